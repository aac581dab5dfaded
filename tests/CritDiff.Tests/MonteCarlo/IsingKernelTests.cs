using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.MonteCarlo;

namespace CritDiff.Tests.MonteCarlo;

/// <summary>
/// The n = 1 kernels leave the Ising law invariant: &lt;E&gt; and &lt;M^2&gt; of long runs within 4 autocorrelation-corrected
/// standard errors of the exact values by enumeration of all 2^V states (4x4 periodic square at beta = 0.4, near the
/// finite-size critical region; 2x2x2 cube, where each neighbour is bonded twice, at beta = 0.15).
/// </summary>
public class IsingKernelTests
{
    public static TheoryData<string, int, int, double> Cases()
    {
        var data = new TheoryData<string, int, int, double>();
        foreach (string name in new[] { "metropolis", "heatbath", "wolff" })
        {
            data.Add(name, 2, 4, 0.4);
            data.Add(name, 3, 2, 0.15);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EnergyAndMagnetisationMatchEnumeration(string name, int d, int l, double beta)
    {
        var model = SpinModel.AtBeta(new Lattice(d, l), 1, beta);
        var (energy, m2) = ExactReferences.Ising(model);
        var run = ModelRun.Of(ModelKernels.Create(name, model), sweeps: 100_000, thermalization: 1_000, seed: 17);
        ModelRun.AssertMean(energy, run.Energy, $"{name} E");
        ModelRun.AssertMean(m2, run.MagnetisationSquared, $"{name} M^2");
        Assert.All(run.LocalSquare, q => Assert.Equal(1, q)); // spins stay exactly +-1
    }

    [Fact]
    public void EnumerationReproducesTheTwoByTwoClosedForm()
    {
        // 2x2 periodic square: every bond is doubled, B = 2 (s0 s1 + s0 s2 + s1 s3 + s2 s3), so Z = sum over the 16
        // states; by hand Z = 2 e^(8b) + 2 e^(-8b) + 12, <B> = 16 (e^(8b) - e^(-8b)) / Z over dV = 8 bonds.
        double b = 0.3;
        var model = SpinModel.AtBeta(new Lattice(2, 2), 1, b);
        double z = 2 * Math.Exp(8 * b) + 2 * Math.Exp(-8 * b) + 12;
        double energy = 16 * (Math.Exp(8 * b) - Math.Exp(-8 * b)) / z / 8;
        double m2 = (2 * Math.Exp(8 * b) + 8 * 0.25) / z;
        var exact = ExactReferences.Ising(model);
        Assert.Equal(energy, exact.Energy, Tolerances.ClosedForm);
        Assert.Equal(m2, exact.MagnetisationSquared, Tolerances.ClosedForm);
    }
}
