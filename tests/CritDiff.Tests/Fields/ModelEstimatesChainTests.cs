using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.Statistics;

namespace CritDiff.Tests.Fields;

/// <summary>
/// Estimates from configurations along chains (<see cref="ModelEstimates.FromChains"/>, what ensemble side-cars hold) carry
/// the correlation of the sequence: on AR(1) rows x_t = rho x_{t-1} + sqrt(1 - rho^2) eta_t, whose tau_int is
/// (1 + rho) / (2 (1 - rho)) and whose mean has the standard error sqrt(2 tau_int / N), not 1/sqrt(N).
/// </summary>
public class ModelEstimatesChainTests
{
    private static double[,] Ar1Rows(double rho, int[] chains, ulong seed)
    {
        var rows = new double[chains.Sum(), ModelEstimates.ColumnCount];
        double s = Math.Sqrt(1 - rho * rho);
        for (int c = 0, first = 0; c < chains.Length; first += chains[c], c++)
        {
            var noise = new double[chains[c]];
            new RandomStream(seed, (ulong)c).FillGaussian(noise);
            double x = noise[0];
            for (int t = 0; t < chains[c]; t++)
            {
                if (t > 0) x = rho * x + s * noise[t];
                for (int j = 0; j < ModelEstimates.ColumnCount; j++) rows[first + t, j] = 10 + x; // positive, like |M| and |M|^2
            }
        }
        return rows;
    }

    [Fact]
    public void ErrorsUseTheSequencesTauInt()
    {
        const double rho = 0.8;
        double exactTau = (1 + rho) / (2 * (1 - rho)); // 4.5
        int[] chains = [6_000, 6_000];
        var rows = Ar1Rows(rho, chains, 41);
        var lattice = new Lattice(2, 4);
        var correlated = ModelEstimates.FromChains(lattice, 1, rows, chains);
        var independent = ModelEstimates.FromRows(lattice, 1, rows);

        double expected = Math.Sqrt(2 * exactTau / chains.Sum()); // unit variance
        foreach (var (name, value) in new[] { ("|M|", correlated.Magnetisation), ("|M|^2", correlated.MagnetisationSquared), ("e", correlated.Energy) })
        {
            // The per-chain tau_int estimate has a relative error of about sqrt(2 (2W + 1) / N) ~ 10% here (W ~ 27, N = 6000),
            // halved by averaging two chains; 0.8..1.25 on the error (the square root of tau) is about 4 of those errors.
            Assert.InRange(value.TauInt, exactTau - 1.5, exactTau + 1.5);
            Assert.InRange(value.Error / expected, 0.8, 1.25);
        }
        // The independent-sample error is sqrt(2 tau_int) = 3 times too small: the fix is the factor, applied exactly.
        Assert.Equal(independent.MagnetisationSquared.Error * Math.Sqrt(2 * correlated.MagnetisationSquared.TauInt),
            correlated.MagnetisationSquared.Error, Tolerances.ClosedForm);
        Assert.Equal(correlated.MagnetisationSquared.TauInt, correlated.Susceptibility.TauInt);
        Assert.Equal(16.0 * correlated.MagnetisationSquared.Error, correlated.Susceptibility.Error, Tolerances.ClosedForm); // chi = V <|M|^2> / n
        Assert.True(correlated.Binder.TauInt >= correlated.MagnetisationSquared.TauInt);
    }

    [Fact]
    public void IndependentRowsKeepTheirErrors()
    {
        int[] chains = [3_000, 3_000];
        var rows = Ar1Rows(0, chains, 43);
        var lattice = new Lattice(2, 4);
        var correlated = ModelEstimates.FromChains(lattice, 1, rows, chains);
        var independent = ModelEstimates.FromRows(lattice, 1, rows);
        // tau_int = 1/2 up to its estimate's error (the estimator never goes below 1/2).
        Assert.InRange(correlated.Energy.Error / independent.Energy.Error, 1, 1.2);
    }

    [Fact]
    public void ChainLengthsMustAddUpToTheRows()
    {
        var rows = Ar1Rows(0.5, [20], 1);
        Assert.Throws<ArgumentException>(() => ModelEstimates.FromChains(new Lattice(1, 4), 1, rows, [10, 5]));
    }
}
