using CritDiff.Lattices;
using CritDiff.Statistics;

namespace CritDiff.Fields;

/// <summary>
/// Observables a lattice user reads next to <see cref="ModelEstimates"/>, from independent samples (or reweighted ones) of an
/// n-component field, each with its standard error (rows of <see cref="TwoPointObservables"/>):
/// the signed magnetisation &lt;M_a&gt; per component; the connected susceptibility
/// chi_2 = V (&lt;|M|^2&gt; - &lt;|M|&gt;^2) / n (per component like chi = V &lt;|M|^2&gt;/n; for n = 1 exactly
/// V (&lt;M^2&gt; - &lt;|M|&gt;^2)), by the jackknife; the two-point function along the axes G(r), r = 0 .. L/2, and the
/// spectrum G(k_m) at k_m = (2 pi m / L) e_mu, m = 1, 2 (averaged over axes; G(k_1) is <see cref="ModelEstimates.FirstModePower"/>).
/// Kept apart from <see cref="ModelEstimates"/>, whose columns feed stored job files and reproduce.
/// </summary>
/// <param name="SignedMagnetisation">&lt;M_a&gt; for a = 1 .. n.</param>
/// <param name="ConnectedSusceptibility">chi_2 = V (&lt;|M|^2&gt; - &lt;|M|&gt;^2) / n.</param>
/// <param name="Correlation">G(r) for r = 0 .. L/2.</param>
/// <param name="LowModes">G(k_m) for m = 1 .. min(2, L/2).</param>
/// <param name="Samples">Number of samples.</param>
public sealed record TwoPointEstimates(IReadOnlyList<Stats> SignedMagnetisation, Stats ConnectedSusceptibility,
    IReadOnlyList<Stats> Correlation, IReadOnlyList<Stats> LowModes, int Samples)
{
    /// <summary>Name of &lt;M_a&gt; (component a from 1): "magnetisation_signed" for n = 1, else "magnetisation_signed_a".</summary>
    public static string SignedName(int components, int component) =>
        components == 1 ? "magnetisation_signed" : $"magnetisation_signed_{component + 1}";

    /// <summary>The scalar estimates with their names, in a fixed order: signed M, chi_2, G(k_1), G(k_2).</summary>
    public IEnumerable<(string Name, Stats Value)> Named =>
        SignedMagnetisation.Select((s, a) => (SignedName(SignedMagnetisation.Count, a), s))
            .Append(("susceptibility_connected", ConnectedSusceptibility))
            .Concat(LowModes.Select((s, m) => ($"g_k{m + 1}", s)));

    /// <summary>
    /// Estimates from independent rows: means with their standard errors, chi_2 by the bias-corrected jackknife (which for
    /// V (&lt;|M|^2&gt; - &lt;|M|&gt;^2) / n is exactly V/n times the unbiased sample variance of |M|).
    /// </summary>
    public static TwoPointEstimates FromRows(TwoPointObservables layout, double[,] rows)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(rows);
        int count = Check(layout, rows);
        Stats Column(int c)
        {
            var data = new double[count];
            for (int i = 0; i < count; i++) data[i] = rows[i, c];
            return Stats.FromSamples(data);
        }
        double scale = (double)layout.Lattice.SiteCount / layout.Components;
        int norm = layout.NormColumn, square = layout.SquareColumn;
        Stats chi2;
        if (count >= 2)
        {
            var pairs = new double[count, 2];
            for (int i = 0; i < count; i++) (pairs[i, 0], pairs[i, 1]) = (rows[i, norm], rows[i, square]);
            chi2 = Jackknife.Estimate(pairs, m => scale * (m[1] - m[0] * m[0]));
        }
        else chi2 = new Stats(scale * (rows[0, square] - rows[0, norm] * rows[0, norm]), double.NaN);
        return Build(layout, Column, chi2, count);
    }

    /// <summary>
    /// Self-normalised estimates sum w O / sum w with importance weights w_i = exp(<paramref name="logWeights"/>_i), jackknife
    /// errors over samples, values not bias-corrected (as <see cref="ModelEstimates"/>' reweighted values).
    /// </summary>
    public static TwoPointEstimates Reweighted(TwoPointObservables layout, double[,] rows, IReadOnlyList<double> logWeights)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(logWeights);
        int count = Check(layout, rows);
        if (logWeights.Count != count) throw new ArgumentException($"expected {count} log-weights", nameof(logWeights));
        if (count < 2) throw new ArgumentException("reweighting needs at least 2 samples", nameof(rows));
        double max = logWeights.Max();
        var w = logWeights.Select(lw => Math.Exp(lw - max)).ToArray();
        Stats Weighted(Func<double[], double> f, params int[] columns)
        {
            var data = new double[count, columns.Length + 1];
            for (int i = 0; i < count; i++)
            {
                data[i, 0] = w[i];
                for (int j = 0; j < columns.Length; j++) data[i, j + 1] = w[i] * rows[i, columns[j]];
            }
            return Jackknife.Estimate(data, f, biasCorrected: false);
        }
        double scale = (double)layout.Lattice.SiteCount / layout.Components;
        var chi2 = Weighted(m => scale * (m[2] / m[0] - m[1] / m[0] * (m[1] / m[0])), layout.NormColumn, layout.SquareColumn);
        return Build(layout, c => Weighted(m => m[1] / m[0], c), chi2, count);
    }

    /// <summary>
    /// The exact values for a Gaussian field of <paramref name="components"/> independent components with spectrum C(k)
    /// (<paramref name="spectrum"/>, indexed like the sites) and zero mean (errors 0): &lt;M_a&gt; = 0,
    /// G(r) = (1/V) sum_k C(k) cos(k_mu r), G(k_m) = C(k_m), and chi_2 = chi (1 - (2/n) (Gamma((n+1)/2)/Gamma(n/2))^2)
    /// with chi = C(0) (|M| is sqrt(chi/V) times a chi-distributed variable with n degrees of freedom; n = 1: chi (1 - 2/pi)).
    /// </summary>
    public static TwoPointEstimates Gaussian(Lattice lattice, int components, IReadOnlyList<double> spectrum)
    {
        ArgumentNullException.ThrowIfNull(lattice);
        ArgumentNullException.ThrowIfNull(spectrum);
        int v = lattice.SiteCount, l = lattice.Length, d = lattice.Dimension;
        if (spectrum.Count != v) throw new ArgumentException($"expected V = {v} modes", nameof(spectrum));
        var layout = new TwoPointObservables(lattice, components);
        double chi = spectrum[0];
        double ratio = GammaRatio(components);
        var exact = new Dictionary<int, Stats>();
        var marginal = new double[l]; // sum over mu and over modes with k_mu = 2 pi q / L of C(k)
        for (int mu = 0; mu < d; mu++)
            for (int k = 0; k < v; k++) marginal[k / lattice.Stride(mu) % l] += spectrum[k];
        for (int r = 0; r <= layout.MaxDistance; r++)
        {
            double sum = 0;
            for (int q = 0; q < l; q++) sum += marginal[q] * Math.Cos(2 * Math.PI * q * r / l);
            exact[layout.CorrelationColumn(r)] = new Stats(sum / ((double)v * d), 0);
        }
        for (int m = 1; m <= layout.ModeCount; m++)
            exact[layout.ModeColumn(m)] = new Stats(Enumerable.Range(0, d).Average(mu => spectrum[m * lattice.Stride(mu)]), 0);
        var chi2 = new Stats(chi * (1 - 2.0 / components * ratio * ratio), 0);
        return Build(layout, c => exact.TryGetValue(c, out var s) ? s : new Stats(0, 0), chi2, 0);
    }

    /// <summary>Gamma((n+1)/2) / Gamma(n/2) by the recurrence r(1) = 1/sqrt(pi), r(n+1) = (n/2)/r(n).</summary>
    internal static double GammaRatio(int n)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "n must be >= 1");
        double r = 1 / Math.Sqrt(Math.PI);
        for (int j = 1; j < n; j++) r = j / 2.0 / r;
        return r;
    }

    private static TwoPointEstimates Build(TwoPointObservables layout, Func<int, Stats> column, Stats chi2, int count) => new(
        Enumerable.Range(0, layout.Components).Select(a => column(layout.SignedColumn(a))).ToArray(),
        chi2,
        Enumerable.Range(0, layout.MaxDistance + 1).Select(r => column(layout.CorrelationColumn(r))).ToArray(),
        Enumerable.Range(1, layout.ModeCount).Select(m => column(layout.ModeColumn(m))).ToArray(),
        count);

    private static int Check(TwoPointObservables layout, double[,] rows)
    {
        if (rows.GetLength(1) != layout.ColumnCount) throw new ArgumentException($"rows need {layout.ColumnCount} columns", nameof(rows));
        int count = rows.GetLength(0);
        if (count < 1) throw new ArgumentException("need at least one row", nameof(rows));
        return count;
    }
}
