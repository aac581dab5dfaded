using CritDiff.Experiments;
using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.MonteCarlo;
using CritDiff.Persistence;
using CritDiff.Statistics;
using CritDiff.Training;

namespace CritDiff.Tests.Training;

public class SampleSourceTests
{
    [Fact]
    public void DataSetDrawsUniformlyWithReplacement()
    {
        // N = 10 configurations marked by their index, 20000 draws: Pearson's chi-square over the indices with 9 degrees
        // of freedom stays below 33.7 (its 1e-4 upper quantile) for a uniform draw.
        const int n = 10, draws = 20_000;
        var lattice = new Lattice(1, 4);
        var values = new double[n * 2 * lattice.SiteCount];
        for (int c = 0; c < n; c++) values.AsSpan(c * 2 * lattice.SiteCount, 2 * lattice.SiteCount).Fill(c);
        var source = new DataSetSource(lattice, 2, values, n);
        var x0 = new double[draws * source.ConfigurationLength];
        var rng = new RandomStream(3, 0);
        source.Draw(x0, draws, ref rng);
        var counts = new int[n];
        for (int b = 0; b < draws; b++)
        {
            var configuration = x0.AsSpan(b * source.ConfigurationLength, source.ConfigurationLength).ToArray();
            Assert.All(configuration, value => Assert.Equal(configuration[0], value));
            counts[(int)configuration[0]]++;
        }
        double expected = (double)draws / n;
        double chiSquare = counts.Sum(c => (c - expected) * (c - expected) / expected);
        Assert.True(chiSquare < 33.7, $"chi-square {chiSquare} over counts {string.Join(", ", counts)}");
    }

    [Fact]
    public void AnEnsembleBecomesADataSetSource()
    {
        var lattice = new Lattice(2, 4);
        var values = Enumerable.Range(0, 3 * 2 * lattice.SiteCount).Select(i => (double)i).ToArray();
        var source = new EnsembleData(values, 3, 2, lattice, null).ToSampleSource();
        Assert.Equal(3, source.Count);
        Assert.Equal(2, source.Components);
        var x0 = new double[source.ConfigurationLength];
        var rng = new RandomStream(1, 0);
        source.Draw(x0, 1, ref rng);
        Assert.Equal(0, x0[0] % source.ConfigurationLength);
        Assert.Equal(x0[0] + source.ConfigurationLength - 1, x0[^1]);
    }

    [Fact]
    public void GaussianSourceHasTheSpectrumOfEveryComponent()
    {
        // |phi~_a(k)|^2 is C(k) times a chi-square: 1 degree of freedom on self-conjugate modes (variance 2 C^2), an
        // exponential (variance C^2) otherwise. Mean over N fields within Tolerances.StandardErrors standard errors.
        const int count = 3000, n = 2;
        var lattice = new Lattice(2, 4);
        var field = GaussianField.FreeField(lattice, 0.4);
        var spectrum = field.SpectrumTable();
        var source = new GaussianSource(lattice, n, spectrum);
        var x0 = new double[count * source.ConfigurationLength];
        var rng = new RandomStream(9, 0);
        source.Draw(x0, count, ref rng);
        int v = lattice.SiteCount;
        var spectra = new FourierTransform(lattice).ForwardRealBatch(x0, count * n);
        var modes = new CritDiff.Lattices.HermitianModes(lattice);
        var selfConjugate = modes.SelfConjugate.ToHashSet();
        for (int a = 0; a < n; a++)
            for (int k = 0; k < v; k++)
            {
                double mean = 0;
                for (int c = 0; c < count; c++)
                {
                    var value = spectra[(c * n + a) * v + k];
                    mean += (value.Real * value.Real + value.Imaginary * value.Imaginary) / count;
                }
                double error = spectrum[k] * Math.Sqrt((selfConjugate.Contains(k) ? 2.0 : 1.0) / count);
                Assert.True(Math.Abs(mean - spectrum[k]) <= Tolerances.StandardErrors * error,
                    $"component {a} mode {k}: {mean} against C = {spectrum[k]} +- {error}");
            }
    }

    [Fact]
    public void MarkovChainSourceIsDeterministicPerStreamAndForksIndependentChains()
    {
        var field = GaussianField.FreeField(new Lattice(2, 4), 0.5);
        var kernel = ModelKernels.Create("metropolis", field);
        var first = new MarkovChainSource(kernel, 7, thermalization: 20, spacing: 2);
        var again = new MarkovChainSource(kernel, 7, thermalization: 20, spacing: 2);
        var rng = new RandomStream(1, 0);
        var a = new double[3 * first.ConfigurationLength];
        var b = new double[a.Length];
        var c = new double[a.Length];
        first.Draw(a, 3, ref rng);
        again.Draw(b, 3, ref rng);
        first.Fork(1).Draw(c, 3, ref rng);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.All(a, value => Assert.True(double.IsFinite(value)));
        Assert.Equal(20 + 3 * 2, first.SweepCount);
        Assert.Contains("correlated", first.Describe());
    }
}
