using CritDiff.Lattices;
using CritDiff.Statistics;

namespace CritDiff.Fields;

/// <summary>
/// Observables of an n-component field estimated from independent samples (single configurations, or block
/// means of a Markov chain over blocks longer than tau_int) or from configurations along chains (<see cref="FromChains"/>),
/// each with its standard error (docs/science.md section 10):
/// means of |M|, |M|^2 and e directly; chi = V &lt;|M|^2&gt; / n; the Binder cumulant
/// U = 1 - (n/(n+2)) &lt;|M|^4&gt;/&lt;|M|^2&gt;^2 and xi2 = sqrt(chi / G(k1) - 1) / (2 sin(pi/L)) by the jackknife
/// over samples (bias-corrected). NaN where an estimate does not exist (xi2 when chi &lt;= G(k1), errors with one sample).
/// </summary>
/// <param name="Magnetisation">&lt;|M|&gt;.</param>
/// <param name="MagnetisationSquared">&lt;|M|^2&gt;.</param>
/// <param name="Susceptibility">chi = V &lt;|M|^2&gt; / n (per component, = C(0) at n -> inf).</param>
/// <param name="Binder">U = 1 - (n/(n+2)) &lt;|M|^4&gt;/&lt;|M|^2&gt;^2.</param>
/// <param name="SecondMomentLength">xi2 from chi and G(k1).</param>
/// <param name="Energy">Energy per bond and component &lt;e&gt; (= G(e_1)).</param>
/// <param name="FirstModePower">G(k1) = &lt;P1&gt;, the spectrum at the lowest non-zero momentum (averaged over axes).</param>
/// <param name="Samples">Number of independent samples (configurations or blocks).</param>
public sealed record ModelEstimates(Stats Magnetisation, Stats MagnetisationSquared, Stats Susceptibility, Stats Binder,
    Stats SecondMomentLength, Stats Energy, Stats FirstModePower, int Samples)
{
    /// <summary>Column order of the per-sample rows: |M|, |M|^2, |M|^4, e, P1.</summary>
    public const int NormColumn = 0, SquareColumn = 1, FourthColumn = 2, EnergyColumn = 3, FirstModeColumn = 4, ColumnCount = 5;

    /// <summary>True when every estimate (means and errors) is a finite number.</summary>
    public bool IsFinite => All.All(s => double.IsFinite(s.Mean) && double.IsFinite(s.Error));

    /// <summary>The estimates with their names, in a fixed order (for reports and validity checks).</summary>
    public IEnumerable<(string Name, Stats Value)> Named =>
    [
        ("magnetisation", Magnetisation), ("magnetisation_squared", MagnetisationSquared), ("susceptibility", Susceptibility),
        ("binder", Binder), ("xi2", SecondMomentLength), ("energy", Energy), ("first_mode_power", FirstModePower),
    ];

    private IEnumerable<Stats> All => Named.Select(p => p.Value);

    /// <summary>Writes one configuration's observables as a row in the column order above.</summary>
    public static void Row(in ConfigurationObservables observables, Span<double> row)
    {
        if (row.Length != ColumnCount) throw new ArgumentException($"a row has {ColumnCount} columns", nameof(row));
        row[NormColumn] = observables.MagnetisationNorm;
        row[SquareColumn] = observables.MagnetisationSquared;
        row[FourthColumn] = observables.MagnetisationFourth;
        row[EnergyColumn] = observables.Energy;
        row[FirstModeColumn] = observables.FirstModePower;
    }

    /// <summary>
    /// Estimates from independent rows (samples x <see cref="ColumnCount"/>) on <paramref name="lattice"/> with
    /// <paramref name="components"/> components. <paramref name="tauInt"/> is recorded in every <see cref="Stats"/>
    /// (the autocorrelation time of the series the rows were built from, 0.5 for independent configurations).
    /// </summary>
    public static ModelEstimates FromRows(Lattice lattice, int components, double[,] rows, double tauInt = 0.5)
    {
        ArgumentNullException.ThrowIfNull(lattice);
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.GetLength(1) != ColumnCount) throw new ArgumentException($"rows need {ColumnCount} columns", nameof(rows));
        int count = rows.GetLength(0);
        if (count < 1) throw new ArgumentException("need at least one row", nameof(rows));
        int v = lattice.SiteCount, l = lattice.Length;
        var norm = Column(rows, NormColumn, tauInt);
        var square = Column(rows, SquareColumn, tauInt);
        var energy = Column(rows, EnergyColumn, tauInt);
        var first = Column(rows, FirstModeColumn, tauInt);
        double chiScale = (double)v / components;
        var chi = new Stats(chiScale * square.Mean, chiScale * square.Error, tauInt);
        double Xi(double[] m) => GaussianField.SecondMomentLength(chiScale * m[SquareColumn], m[FirstModeColumn], l);
        double U(double[] m) => ModelObservables.Binder(components, m[SquareColumn], m[FourthColumn]);
        Stats binder, xi;
        if (count >= 2)
        {
            var b = Jackknife.Estimate(rows, U);
            var x = Jackknife.Estimate(rows, Xi);
            binder = b with { TauInt = tauInt };
            xi = x with { TauInt = tauInt };
        }
        else
        {
            var means = Enumerable.Range(0, ColumnCount).Select(j => rows[0, j]).ToArray();
            binder = new Stats(U(means), double.NaN, tauInt);
            xi = new Stats(Xi(means), double.NaN, tauInt);
        }
        return new ModelEstimates(norm, square, chi, binder, xi, energy, first, count);
    }

    /// <summary>Rows a chain must hold for its own tau_int; shorter chains are measured joined (see <see cref="FromChains"/>).</summary>
    public const int MinimumChainLength = 16;

    /// <summary>
    /// Estimates from rows taken along Markov chains (chain by chain, <paramref name="chainLengths"/> rows each, in the order
    /// taken), with errors for their correlation: each column's tau_int is measured along every chain with Sokal's
    /// self-consistent window (<see cref="Autocorrelation.IntegratedTime"/>) and averaged over chains, and a mean's error is
    /// sqrt(2 tau_int var / N); chi takes |M|^2's tau_int, the jackknifed Binder cumulant and xi2 the largest of their inputs'.
    /// When a chain holds fewer than <see cref="MinimumChainLength"/> rows, tau_int is measured on all rows joined (at least
    /// that many; else 0.5, independent).
    /// </summary>
    public static ModelEstimates FromChains(Lattice lattice, int components, double[,] rows, IReadOnlyList<int> chainLengths)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(chainLengths);
        if (chainLengths.Any(c => c < 0) || chainLengths.Sum() != rows.GetLength(0))
            throw new ArgumentException($"chain lengths must be >= 0 and add up to the {rows.GetLength(0)} rows", nameof(chainLengths));
        var plain = FromRows(lattice, components, rows);
        var tau = new double[ColumnCount];
        for (int j = 0; j < ColumnCount; j++) tau[j] = ColumnTau(rows, j, chainLengths);
        static Stats Correlated(Stats s, double t) => new(s.Mean, s.Error * Math.Sqrt(2 * t), t);
        return plain with
        {
            Magnetisation = Correlated(plain.Magnetisation, tau[NormColumn]),
            MagnetisationSquared = Correlated(plain.MagnetisationSquared, tau[SquareColumn]),
            Susceptibility = Correlated(plain.Susceptibility, tau[SquareColumn]),
            Binder = Correlated(plain.Binder, Math.Max(tau[SquareColumn], tau[FourthColumn])),
            SecondMomentLength = Correlated(plain.SecondMomentLength, Math.Max(tau[SquareColumn], tau[FirstModeColumn])),
            Energy = Correlated(plain.Energy, tau[EnergyColumn]),
            FirstModePower = Correlated(plain.FirstModePower, tau[FirstModeColumn]),
        };
    }

    private static double ColumnTau(double[,] rows, int column, IReadOnlyList<int> chainLengths)
    {
        var data = new double[rows.GetLength(0)];
        for (int i = 0; i < data.Length; i++) data[i] = rows[i, column];
        var chains = chainLengths.Where(c => c > 0).ToArray();
        if (chains.Length > 0 && chains.All(c => c >= MinimumChainLength))
        {
            double sum = 0;
            for (int c = 0, first = 0; c < chains.Length; first += chains[c], c++)
                sum += Autocorrelation.IntegratedTime(data.AsSpan(first, chains[c])).Tau;
            return sum / chains.Length;
        }
        return data.Length >= MinimumChainLength ? Autocorrelation.IntegratedTime(data).Tau : 0.5;
    }

    private static Stats Column(double[,] rows, int column, double tauInt)
    {
        var data = new double[rows.GetLength(0)];
        for (int i = 0; i < data.Length; i++) data[i] = rows[i, column];
        return Stats.FromSamples(data) with { TauInt = tauInt };
    }
}
