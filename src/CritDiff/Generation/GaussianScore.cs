using System.Numerics;
using CritDiff.Diffusion;
using CritDiff.Lattices;

namespace CritDiff.Generation;

/// <summary>
/// The exact score of a Gaussian law with per-mode spectrum C(k), the same for each of n independent components,
/// noised by a forward process (docs/science.md section 4): per Fourier mode s~(k) = -x~(k) / S(k, t) with
/// S(k, t) = a(t)^2 C(k) + b(t)^2, applied with the project's unitary <see cref="FourierTransform"/>; its Jacobian
/// trace is -n sum_k 1/S(k, t), the same for every configuration. It offers its multiplier m(k, t) = -1/S(k, t)
/// (<see cref="IFourierMultiplier"/>), so its generated law is exact for every sampler.
/// </summary>
public sealed class GaussianScore : TimeScore, IFourierMultiplier
{
    private readonly double[] _spectrum;
    private readonly ForwardProcess _process;
    private readonly FourierTransform _fourier;
    private readonly double[] _multiplier;
    private readonly Complex[] _scratch;

    /// <summary>Relative difference allowed between C(k) and C(-k) (rounding of khat2).</summary>
    public const double EvenTolerance = 1e-12;

    internal GaussianScore(Lattice lattice, int components, double[] spectrum, ForwardProcess process)
        : base(lattice, components)
    {
        ArgumentNullException.ThrowIfNull(spectrum);
        ArgumentNullException.ThrowIfNull(process);
        int v = lattice.SiteCount;
        if (spectrum.Length != v) throw new ArgumentException($"expected V = {v} spectrum values, got {spectrum.Length}", nameof(spectrum));
        for (int k = 0; k < v; k++)
        {
            if (!(spectrum[k] >= 0) || double.IsInfinity(spectrum[k]))
                throw new ArgumentOutOfRangeException(nameof(spectrum), spectrum[k], $"C(k) must be finite and >= 0 (mode {k})");
            // The real-field transform pairs k with -k: an odd part would make the score complex. khat2 of k and -k
            // differ by rounding, hence the relative allowance.
            double partner = spectrum[lattice.NegatedMode(k)];
            if (Math.Abs(spectrum[k] - partner) > EvenTolerance * Math.Max(spectrum[k], partner))
                throw new ArgumentException($"the spectrum must be even in k: C(k) != C(-k) for mode {k}", nameof(spectrum));
        }
        _spectrum = spectrum.ToArray();
        _process = process;
        _fourier = new FourierTransform(lattice);
        _multiplier = new double[v];
        _scratch = new Complex[v];
    }

    /// <summary>The forward process.</summary>
    public ForwardProcess Process => _process;

    /// <summary>C(k) per mode (a copy).</summary>
    public double[] Spectrum => _spectrum.ToArray();

    /// <inheritdoc />
    public override void Score(double t, ReadOnlySpan<double> x, int count, Span<double> score)
    {
        CheckScore(t, x.Length, count, score.Length);
        int v = Lattice.SiteCount, fields = count * Components;
        for (int k = 0; k < v; k++) _multiplier[k] = _process.ExactScoreMultiplier(_spectrum[k], t);
        // Two real fields per complex transform pair; fields are paired by index, so a field's result depends
        // only on its batch position, never on threads.
        for (int f = 0; f < fields; f += 2)
        {
            int g = Math.Min(f + 1, fields - 1);
            _fourier.ApplyEvenMultiplier(_multiplier, x.Slice(f * v, v), score.Slice(f * v, v),
                x.Slice(g * v, v), score.Slice(g * v, v), _scratch);
        }
    }

    /// <inheritdoc />
    public override void JacobianTrace(double t, ReadOnlySpan<double> x, int count, Span<double> trace)
    {
        CheckTrace(t, x.Length, count, trace.Length);
        double sum = 0;
        foreach (double c in _spectrum) sum += 1 / _process.NoisedSpectrum(c, t);
        trace.Fill(-Components * sum);
    }

    /// <inheritdoc />
    public override bool HasJacobianVectorProduct => true;

    /// <summary>s is linear in x, so (ds/dx) v is the score's multiplier applied to v, exactly.</summary>
    protected override void JacobianVectorProductCore(double t, ReadOnlySpan<double> x, ReadOnlySpan<double> tangent, int count, Span<double> product) =>
        Score(t, tangent, count, product);

    /// <inheritdoc />
    public int ModeCount => Lattice.SiteCount;

    /// <inheritdoc />
    public void Multiplier(double t, Span<Complex> multiplier)
    {
        ForwardProcess.CheckTime(t);
        if (multiplier.Length != _spectrum.Length)
            throw new ArgumentException($"expected V = {_spectrum.Length} multiplier values, got {multiplier.Length}", nameof(multiplier));
        for (int k = 0; k < _spectrum.Length; k++) multiplier[k] = _process.ExactScoreMultiplier(_spectrum[k], t);
    }

    /// <inheritdoc />
    public override TimeScore Replica() => new GaussianScore(Lattice, Components, _spectrum, _process);
}
