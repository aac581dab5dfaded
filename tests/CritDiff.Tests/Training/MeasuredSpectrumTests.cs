using CritDiff.Diffusion;
using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.Networks;
using CritDiff.Training;

namespace CritDiff.Tests.Training;

/// <summary>The measured spectrum G(k) of a configuration set (docs/science.md section 10) and n-component data.</summary>
public class MeasuredSpectrumTests
{
    [Fact]
    public void SpectrumOfExactSamplesAgreesWithTheExactSpectrumWithinErrors()
    {
        // N exact samples of C(k) = 1/(beta (khat2 + mu2)): per mode G(k) - C(k) is within 4 standard errors
        // (Tolerances.StandardErrors), and over the independent modes (one per pair (k, -k), plus the
        // self-conjugate ones) sum z^2 is a chi-square with that many degrees of freedom: within 4 of its sd
        // sqrt(2 dof) of dof. G(k) = G(-k) exactly for real fields.
        var field = GaussianField.AtCorrelationLengthOverSize(new Lattice(2, 8), 0.25);
        const int n = 1000;
        var measured = MeasuredSpectrum.Measure(field.Lattice, new ExactSampler(field).Sample(n, 11), n, source: "exact samples");
        var exact = field.SpectrumTable();
        var modes = new HermitianModes(field.Lattice);
        int[] independent = [.. modes.Pairs, .. modes.SelfConjugate];
        double chiSquare = 0;
        foreach (int k in independent)
        {
            double z = (measured.Mean[k] - exact[k]) / measured.Error[k];
            Assert.InRange(Math.Abs(z), 0, Tolerances.StandardErrors);
            chiSquare += z * z;
        }
        for (int i = 0; i < modes.Pairs.Length; i++)
            Assert.Equal(measured.Mean[modes.Pairs[i]], measured.Mean[modes.Partners[i]], 1e-12 * measured.Mean[modes.Pairs[i]]);
        int dof = independent.Length;
        Assert.InRange(chiSquare, dof - Tolerances.StandardErrors * Math.Sqrt(2.0 * dof), dof + Tolerances.StandardErrors * Math.Sqrt(2.0 * dof));
        Assert.Equal((n, 1, "exact samples"), (measured.Samples, measured.Components, measured.Source));
        Assert.Equal(measured.Mean[0], measured.Susceptibility);
    }

    [Fact]
    public void OneComponentSpectrumEqualsThePowerSpectrumWhateverTheBlocks()
    {
        // The blocked parallel reduction (64 configurations per block, merged in order) against the direct
        // mean and standard error of FieldMeasurement, on a count that leaves a partial last block.
        var lattice = new Lattice(2, 6);
        const int n = 150;
        var samples = new ExactSampler(GaussianField.AtBeta(lattice, 0.6)).Sample(n, 3);
        var measured = MeasuredSpectrum.Measure(lattice, samples, n);
        var (mean, error) = FieldMeasurement.PowerSpectrum(lattice, samples, n);
        for (int k = 0; k < lattice.SiteCount; k++)
        {
            Assert.Equal(mean[k], measured.Mean[k], Tolerances.ClosedForm * mean[k]);
            Assert.Equal(error[k], measured.Error[k], 1e-10 * error[k]); // sum of squares vs pairwise merge: ~1e-13 relative
        }
    }

    [Fact]
    public void TwoComponentArraysGiveTwiceAsManyFieldsInConfigurationOrder()
    {
        // [N, 2, L, L] component-major: one-component field j = 2 c + a is component a of configuration c,
        // and G(k) of the set is the average of the two components' spectra.
        var lattice = new Lattice(2, 4);
        int v = lattice.SiteCount;
        const int n = 5;
        var values = new double[n * 2 * v];
        for (int c = 0; c < n; c++)
            for (int a = 0; a < 2; a++)
                for (int x = 0; x < v; x++)
                    values[(c * 2 + a) * v + x] = Math.Sin(1 + c * 7.1 + a * 3.3 + x * 0.37) * (1 + a); // distinct per (c, a, x)
        var data = TrainingData.FromComponents(values, n, 2);
        Assert.Equal((2 * n, 2, n), (data.Count, data.Components, data.ConfigurationCount));
        for (int c = 0; c < n; c++)
            for (int a = 0; a < 2; a++)
                for (int x = 0; x < v; x++)
                    Assert.Equal(Math.Sin(1 + c * 7.1 + a * 3.3 + x * 0.37) * (1 + a), data.Configuration(2 * c + a, v)[x]);

        var both = MeasuredSpectrum.Measure(lattice, values, n, components: 2);
        var first = new double[n * v];
        var second = new double[n * v];
        for (int c = 0; c < n; c++)
        {
            values.AsSpan((2 * c) * v, v).CopyTo(first.AsSpan(c * v));
            values.AsSpan((2 * c + 1) * v, v).CopyTo(second.AsSpan(c * v));
        }
        var g1 = MeasuredSpectrum.Measure(lattice, first, n);
        var g2 = MeasuredSpectrum.Measure(lattice, second, n);
        for (int k = 0; k < v; k++)
            Assert.Equal(0.5 * (g1.Mean[k] + g2.Mean[k]), both.Mean[k], Tolerances.ClosedForm * both.Mean[k]);
        Assert.Equal((n, 2), (both.Samples, both.Components));
        // The same set read as 2N one-component fields has the same mean (errors differ: they ignore the pairing).
        var flat = MeasuredSpectrum.Measure(lattice, values, 2 * n);
        for (int k = 0; k < v; k++) Assert.Equal(both.Mean[k], flat.Mean[k], Tolerances.ClosedForm * both.Mean[k]);
    }

    [Fact]
    public void ProblemsRefuseAZeroOrMisSizedSpectrum()
    {
        // Fields with their mean subtracted have G(0) = 0 exactly: refused with a message that says why.
        var lattice = new Lattice(2, 4);
        var samples = new ExactSampler(GaussianField.AtBeta(lattice, 0.6)).Sample(4, 1);
        for (int c = 0; c < 4; c++)
        {
            var row = samples.AsSpan(c * 16, 16);
            double mean = 0;
            foreach (double x in row) mean += x / 16;
            for (int x = 0; x < 16; x++) row[x] -= mean;
        }
        var centred = MeasuredSpectrum.Measure(lattice, samples, 4, source: "centred.npy");
        var problem = new TrainingProblem(GaussianField.AtBeta(lattice, 0.6), new VariancePreserving(), TimeGrid.Single(0.1),
            Architecture.Parse("one-layer")) { TargetSpectrum = centred };
        var error = Assert.Throws<ArgumentException>(() => SliceTrainer.Train(problem, new TrainingConfig(), 0));
        Assert.Contains("zero mode", error.Message);
        Assert.Contains("G(k) > 0", error.Message);
        var wrongSize = problem with { TargetSpectrum = MeasuredSpectrum.Exact(new double[9].Select(_ => 1.0).ToArray(), "3x3") };
        Assert.Throws<ArgumentException>(() => SliceTrainer.Train(wrongSize, new TrainingConfig(), 0));
        Assert.Throws<ArgumentException>(() => MeasuredSpectrum.Exact([1, double.NaN], "nan"));
    }
}
