using System.Globalization;
using CritDiff.Experiments;
using CritDiff.Fields;
using CritDiff.Lattices;
using Xunit;

namespace CritDiff.Tests.Experiments;

/// <summary>
/// generate's comparison of signed M, chi_2, G(k_m) and G(r) with the reference (issue 22): exact Gaussian samples raise no
/// off-reference warning, a deliberately bad generator (the exact samples scaled by 1.3) does, naming the observable and z;
/// reweighted values are not warned about when the ESS is low.
/// </summary>
public sealed class GeneratedTwoPointTests
{
    private static readonly GaussianField Field = GaussianField.AtCorrelationLengthOverSize(new Lattice(2, 6), 0.25);

    private static TwoPointEstimates Samples(double scale, ulong seed)
    {
        const int count = 512;
        var draws = new ExactSampler(Field).Sample(count, seed);
        for (int i = 0; i < draws.Length; i++) draws[i] *= scale;
        return GeneratedTwoPoint.Measure(Field, draws, count, threads: 2, out _);
    }

    [Fact]
    public void ExactSamplesRaiseNoWarningAndABadGeneratorDoes()
    {
        var exact = GeneratedTwoPoint.Exact(Field);
        foreach (ulong seed in new ulong[] { 1, 2, 3 })
        {
            var rows = GeneratedTwoPoint.Rows(Samples(1, seed), exact, null).ToArray();
            Assert.Equal(["magnetisation_signed", "susceptibility_connected", "g_k1", "g_k2"], rows.Select(r => r.Name));
            Assert.All(rows, r => Assert.True(r.HasReference && r.Z is not null));
            Assert.Empty(GeneratedTwoPoint.OffReferenceWarnings(rows, lowEss: false));
        }
        var bad = GeneratedTwoPoint.Rows(Samples(1.3, 4), exact, null).ToArray();
        var warnings = GeneratedTwoPoint.OffReferenceWarnings(bad, lowEss: false);
        Assert.Contains(warnings, w => w.StartsWith("generated susceptibility_connected", StringComparison.Ordinal) && w.Contains("z = ", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.StartsWith("generated g_k1", StringComparison.Ordinal));
        var z = bad.Single(r => r.Name == "g_k1").Z!.Value;
        Assert.True(z > GeneratedTwoPoint.WarningZ, $"z = {z}");
        Assert.Contains(z.ToString("F1", CultureInfo.InvariantCulture), warnings.Single(w => w.StartsWith("generated g_k1", StringComparison.Ordinal)));
    }

    [Fact]
    public void ReweightedValuesAreWarnedAboutOnlyWithoutALowEss()
    {
        var row = new SampleObservableRow("susceptibility", 10, 1)
        {
            HasReference = true, Reference = 10.5, ReferenceError = 0.5, Z = -0.45,
            HasWeights = true, Reweighted = 20, ReweightedError = 1, ReweightedZ = 8.5,
        };
        Assert.Empty(GeneratedTwoPoint.OffReferenceWarnings([row], lowEss: true));
        var warning = Assert.Single(GeneratedTwoPoint.OffReferenceWarnings([row], lowEss: false));
        Assert.StartsWith("reweighted susceptibility", warning, StringComparison.Ordinal);
        Assert.Contains("z = 8.5", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void TheCsvHoldsOneLinePerDistanceWithBothFunctions()
    {
        var generated = Samples(1, 9);
        var exact = GeneratedTwoPoint.Exact(Field);
        var lines = GeneratedTwoPoint.Csv(generated, exact).TrimEnd('\n').Split('\n');
        Assert.Equal("r,G_generated,G_generated_err,G_reference,G_reference_err", lines[0]);
        Assert.Equal(5, lines.Length);
        for (int r = 0; r <= 3; r++)
        {
            var cells = lines[r + 1].Split(',').Select(c => double.Parse(c, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal([r, generated.Correlation[r].Mean, generated.Correlation[r].Error, exact.Correlation[r].Mean, 0], cells);
        }
        Assert.EndsWith(",,", GeneratedTwoPoint.Csv(generated, null).Split('\n')[1], StringComparison.Ordinal);
        Assert.Equal("samples.two_point.csv", Path.GetFileName(GeneratedTwoPoint.CsvPath("/tmp/samples.npy")));
    }
}
