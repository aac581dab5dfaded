using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CritDiff.Fields;
using CritDiff.Generation;
using CritDiff.Persistence;
using CritDiff.Statistics;

namespace CritDiff.Experiments;

/// <summary>
/// The observables of generated samples that sit next to <see cref="ModelEstimates"/> in generate (<see cref="TwoPointEstimates"/>:
/// signed M, chi_2, G(r), G(k_m)), against the reference's, and the warnings of observables off the reference by more than
/// <see cref="WarningZ"/> combined standard errors.
/// </summary>
public static class GeneratedTwoPoint
{
    /// <summary>|g - r| / sqrt(err_g^2 + err_r^2) above which an observable is warned about.</summary>
    public const double WarningZ = 5;

    /// <summary>Suffix of the G(r) CSV written next to the samples file (samples.npy -> samples.two_point.csv).</summary>
    public const string CsvSuffix = ".two_point.csv";

    /// <summary>The estimates of <paramref name="count"/> configurations of <paramref name="target"/> as independent samples.</summary>
    public static TwoPointEstimates Measure(LatticeModel target, double[] configurations, int count, int threads, out double[,] rows)
    {
        ArgumentNullException.ThrowIfNull(target);
        var layout = new TwoPointObservables(target.Lattice, target.Components);
        rows = layout.Rows(configurations, count, threads);
        return TwoPointEstimates.FromRows(layout, rows);
    }

    /// <summary>The reference of an ensemble (its configurations as independent samples, like <see cref="SampleGenerationRun.Reference"/>).</summary>
    public static TwoPointEstimates Reference(LatticeModel target, EnsembleData data, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Measure(target, data.Configurations, data.Count, threads, out _);
    }

    /// <summary>The exact reference of a Gaussian target (<see cref="TwoPointEstimates.Gaussian"/>).</summary>
    public static TwoPointEstimates Exact(GaussianField field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return TwoPointEstimates.Gaussian(field.Lattice, field.Components, field.SpectrumTable());
    }

    /// <summary>The reweighted estimates with the weights' log-weights.</summary>
    public static TwoPointEstimates Reweighted(LatticeModel target, double[,] rows, ImportanceWeightResult weights)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(weights);
        return TwoPointEstimates.Reweighted(new TwoPointObservables(target.Lattice, target.Components), rows, weights.LogWeights);
    }

    /// <summary>The CSV path for a samples file: the name without its extension plus <see cref="CsvSuffix"/>.</summary>
    public static string CsvPath(string samplesPath) => Path.ChangeExtension(samplesPath ?? throw new ArgumentNullException(nameof(samplesPath)), null) + CsvSuffix;

    /// <summary>
    /// G(r) as CSV: columns r, G_generated, G_generated_err, G_reference, G_reference_err (empty cells where there is no
    /// reference or a value is not finite).
    /// </summary>
    public static string Csv(TwoPointEstimates generated, TwoPointEstimates? reference)
    {
        ArgumentNullException.ThrowIfNull(generated);
        var text = new StringBuilder("r,G_generated,G_generated_err,G_reference,G_reference_err\n");
        for (int r = 0; r < generated.Correlation.Count; r++)
        {
            var g = generated.Correlation[r];
            var f = reference?.Correlation[r];
            text.Append(CultureInfo.InvariantCulture, $"{r},{Cell(g.Mean)},{Cell(g.Error)},{Cell(f?.Mean)},{Cell(f?.Error)}\n");
        }
        return text.ToString();
    }

    /// <summary>G(r) for the JSON: r, generated with errors, the reference's (null without one) and the CSV path.</summary>
    public static JsonObject Json(TwoPointEstimates generated, TwoPointEstimates? reference, string? csvPath)
    {
        ArgumentNullException.ThrowIfNull(generated);
        return new JsonObject
        {
            ["r"] = JsonNumber.Integers(Enumerable.Range(0, generated.Correlation.Count)),
            ["generated"] = JsonNumber.Array(generated.Correlation.Select(s => s.Mean)),
            ["generated_error"] = JsonNumber.Array(generated.Correlation.Select(s => s.Error)),
            ["reference"] = reference is null ? null : JsonNumber.Array(reference.Correlation.Select(s => s.Mean)),
            ["reference_error"] = reference is null ? null : JsonNumber.Array(reference.Correlation.Select(s => s.Error)),
            ["csv"] = csvPath,
        };
    }

    /// <summary>
    /// Warnings for rows whose generated value is off the reference by |z| &gt; <see cref="WarningZ"/>, and for reweighted values
    /// likewise unless <paramref name="lowEss"/> (the low-ESS warning already says the reweighted values are unreliable).
    /// </summary>
    public static IReadOnlyList<string> OffReferenceWarnings(IEnumerable<SampleObservableRow> rows, bool lowEss)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var list = new List<string>();
        foreach (var row in rows)
        {
            if (row.Z is { } z && Math.Abs(z) > WarningZ) list.Add(Off("generated", row.Name, row.Value, row.Error, row, z));
            if (!lowEss && row.ReweightedZ is { } rz && Math.Abs(rz) > WarningZ)
                list.Add(Off("reweighted", row.Name, row.Reweighted, row.ReweightedError, row, rz));
        }
        return list;
    }

    /// <summary>
    /// Table rows of signed M, chi_2 and G(k_m) (<see cref="TwoPointEstimates.Named"/>): generated, reference and z where there is
    /// a reference, reweighted (and its z) where there are weights; no chain values.
    /// </summary>
    public static IEnumerable<SampleObservableRow> Rows(TwoPointEstimates generated, TwoPointEstimates? reference,
        TwoPointEstimates? reweightedEstimates)
    {
        ArgumentNullException.ThrowIfNull(generated);
        var references = reference?.Named.ToDictionary(p => p.Name, p => p.Value);
        var reweighted = reweightedEstimates?.Named.ToDictionary(p => p.Name, p => p.Value);
        foreach (var (name, value) in generated.Named)
        {
            var row = new SampleObservableRow(name, Finite(value.Mean), Finite(value.Error));
            Stats? referenceValue = references?.GetValueOrDefault(name);
            if (referenceValue is { } r && double.IsFinite(r.Mean))
                row = row with
                {
                    HasReference = true, Reference = r.Mean, ReferenceError = Finite(r.Error),
                    Z = Finite((value.Mean - r.Mean) / Math.Sqrt(value.Error * value.Error + r.Error * r.Error)),
                };
            if (reweighted?.GetValueOrDefault(name) is { } w)
            {
                row = row with { HasWeights = true, Reweighted = Finite(w.Mean), ReweightedError = Finite(w.Error) };
                if (referenceValue is { } rr && double.IsFinite(rr.Mean))
                    row = row with { ReweightedZ = Finite((w.Mean - rr.Mean) / Math.Sqrt(w.Error * w.Error + rr.Error * rr.Error)) };
            }
            yield return row;
        }
    }

    private static string Off(string what, string name, double? value, double? error, SampleObservableRow row, double z) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{what} {name} = {Stats.Format(value ?? double.NaN, error)} is off the reference {Stats.Format(row.Reference ?? double.NaN, row.ReferenceError)} by z = {z:F1} (more than {WarningZ} combined standard errors)");

    private static double? Finite(double x) => double.IsFinite(x) ? x : null;

    private static string Cell(double? value) => value is { } v && double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : "";
}
