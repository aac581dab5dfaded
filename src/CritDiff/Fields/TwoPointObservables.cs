using System.Numerics;
using CritDiff.Lattices;

namespace CritDiff.Fields;

/// <summary>
/// Per-configuration rows for <see cref="TwoPointEstimates"/> (docs/science.md section 10 conventions, component-major
/// configurations, unitary DFT): the signed magnetisation vector M_a = (1/V) sum_x s_a(x), |M| and |M|^2, the two-point
/// function along the lattice axes G(r) = (1/(d n V)) sum_mu sum_a sum_x s_a(x) s_a(x + r e_mu) for r = 0 .. L/2 (not
/// connected: the same normalisation as the spectrum, G(0) = &lt;|s|^2&gt;/n per site, and G(r) = (1/V) sum_k G(k) cos(k_mu r)),
/// and the spectrum G(k) = (1/n) sum_a |phi~_a(k)|^2 at the smallest momenta k = (2 pi m / L) e_mu, m = 1 .. <see cref="ModeCount"/>,
/// averaged over the d axes. G(r) comes from the spectrum: O(n V log V) per configuration.
/// Holds only precomputed tables: one instance may be shared between threads.
/// </summary>
public sealed class TwoPointObservables
{
    /// <summary>Most momenta m = 1, 2, ... measured (fewer when L/2 is smaller).</summary>
    public const int MaxModeCount = 2;

    private readonly ModelObservables _observables;
    private readonly int[][] _axisCoordinate;
    private readonly double[] _cos;

    /// <summary>Rows for <paramref name="components"/>-component fields on <paramref name="lattice"/>.</summary>
    public TwoPointObservables(Lattice lattice, int components)
    {
        _observables = new ModelObservables(lattice, components);
        Lattice = lattice;
        Components = components;
        int l = lattice.Length, v = lattice.SiteCount;
        MaxDistance = l / 2;
        ModeCount = Math.Min(MaxModeCount, l / 2);
        _axisCoordinate = new int[lattice.Dimension][];
        for (int mu = 0; mu < lattice.Dimension; mu++)
        {
            int stride = lattice.Stride(mu);
            _axisCoordinate[mu] = new int[v];
            for (int x = 0; x < v; x++) _axisCoordinate[mu][x] = x / stride % l;
        }
        _cos = new double[l];
        for (int q = 0; q < l; q++) _cos[q] = Math.Cos(2 * Math.PI * q / l);
    }

    /// <summary>The lattice.</summary>
    public Lattice Lattice { get; }

    /// <summary>Components n per site.</summary>
    public int Components { get; }

    /// <summary>Largest distance L/2 (integer division) of G(r).</summary>
    public int MaxDistance { get; }

    /// <summary>Number of momenta m = 1 .. ModeCount of G(k_m): min(2, L/2).</summary>
    public int ModeCount { get; }

    /// <summary>Column of M_a (a = 0 .. n - 1).</summary>
    public int SignedColumn(int component) => component;

    /// <summary>Column of |M|.</summary>
    public int NormColumn => Components;

    /// <summary>Column of |M|^2.</summary>
    public int SquareColumn => Components + 1;

    /// <summary>Column of G(r), r = 0 .. <see cref="MaxDistance"/>.</summary>
    public int CorrelationColumn(int distance) => Components + 2 + distance;

    /// <summary>Column of G(k_m), m = 1 .. <see cref="ModeCount"/>.</summary>
    public int ModeColumn(int mode) => Components + 2 + MaxDistance + mode;

    /// <summary>Columns of a row.</summary>
    public int ColumnCount => Components + 3 + MaxDistance + ModeCount;

    /// <summary>
    /// One configuration's row into <paramref name="row"/> (length <see cref="ColumnCount"/>); <paramref name="spectrum"/> (V)
    /// and <paramref name="scratch"/> (V) are work space.
    /// </summary>
    public void Measure(ReadOnlySpan<double> configuration, Span<double> row, Span<double> spectrum, Span<Complex> scratch)
    {
        if (row.Length != ColumnCount) throw new ArgumentException($"a row has {ColumnCount} columns", nameof(row));
        int n = Components, d = Lattice.Dimension, v = Lattice.SiteCount, l = Lattice.Length;
        _observables.Magnetisation(configuration, row[..n]);
        double square = 0;
        for (int a = 0; a < n; a++) square += row[a] * row[a];
        row[NormColumn] = Math.Sqrt(square);
        row[SquareColumn] = square;
        _observables.Spectrum(configuration, spectrum, scratch);
        // Marginal of the spectrum on each axis: S_mu(q) = sum over modes with k_mu = 2 pi q / L; then
        // G(r e_mu) = (1/V) sum_q S_mu(q) cos(2 pi q r / L), averaged over mu.
        Span<double> marginal = l <= 1024 ? stackalloc double[l] : new double[l];
        var correlation = row.Slice(CorrelationColumn(0), MaxDistance + 1);
        correlation.Clear();
        for (int mu = 0; mu < d; mu++)
        {
            marginal.Clear();
            var coordinate = _axisCoordinate[mu];
            for (int k = 0; k < v; k++) marginal[coordinate[k]] += spectrum[k];
            for (int r = 0; r <= MaxDistance; r++)
            {
                double sum = 0;
                for (int q = 0; q < l; q++) sum += marginal[q] * _cos[q * r % l];
                correlation[r] += sum;
            }
        }
        double scale = 1.0 / ((double)d * v);
        for (int r = 0; r <= MaxDistance; r++) correlation[r] *= scale;
        for (int m = 1; m <= ModeCount; m++)
        {
            double sum = 0;
            for (int mu = 0; mu < d; mu++) sum += spectrum[m * Lattice.Stride(mu)];
            row[ModeColumn(m)] = sum / d;
        }
    }

    /// <summary>
    /// Rows (count x <see cref="ColumnCount"/>) of <paramref name="count"/> configurations stored one after another; rows are
    /// measured in parallel on up to <paramref name="threads"/> threads (each row alone, so the result does not depend on it).
    /// </summary>
    public double[,] Rows(double[] configurations, int count, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(configurations);
        int width = Components * Lattice.SiteCount, v = Lattice.SiteCount;
        if (count < 0 || (long)count * width != configurations.Length)
            throw new ArgumentException($"expected {count} configurations of n V = {width} values, got {configurations.Length} values", nameof(configurations));
        var rows = new double[count, ColumnCount];
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) };
        Parallel.For(0, count, options, () => (new double[ColumnCount], new double[v], new Complex[v]), (i, _, work) =>
        {
            var (row, spectrum, scratch) = work;
            Measure(configurations.AsSpan(i * width, width), row, spectrum, scratch);
            for (int c = 0; c < row.Length; c++) rows[i, c] = row[c];
            return work;
        }, _ => { });
        return rows;
    }
}
