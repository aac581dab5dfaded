using System.Numerics;
using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.Statistics;

namespace CritDiff.Training;

/// <summary>
/// Fresh exact Gaussian fields with a per-mode spectrum C(k) (even in k, >= 0), n independent components each, drawn
/// with the <see cref="ExactSampler"/> core: phi = IDFT[sqrt(C) w], two fields per complex transform. Fields are filled
/// in pairs in the order component-major within a configuration, configurations in order; pair p takes the stream
/// (one 64-bit draw of <c>rng</c>, 0).
/// </summary>
public sealed class GaussianSource : SampleSource
{
    private readonly double[] _amplitude;
    private readonly FourierTransform _fourier;

    /// <summary>Fields with spectrum <paramref name="spectrum"/> (V modes, indexed like sites) for each of <paramref name="components"/> components.</summary>
    public GaussianSource(Lattice lattice, int components, double[] spectrum) : base(lattice, components)
    {
        ArgumentNullException.ThrowIfNull(spectrum);
        if (spectrum.Length != lattice.SiteCount)
            throw new ArgumentException($"the spectrum has {spectrum.Length} modes, the {lattice} lattice {lattice.SiteCount}", nameof(spectrum));
        if (!spectrum.All(c => c >= 0 && double.IsFinite(c)))
            throw new ArgumentException("the spectrum must be finite and >= 0 on every mode", nameof(spectrum));
        Spectrum = (double[])spectrum.Clone();
        _amplitude = Spectrum.Select(Math.Sqrt).ToArray();
        _fourier = new FourierTransform(lattice);
    }

    /// <summary>Exact samples of a Gaussian field (n = 1 component, its C(k)).</summary>
    public GaussianSource(GaussianField field)
        : this((field ?? throw new ArgumentNullException(nameof(field))).Lattice, 1, field.SpectrumTable())
    {
    }

    /// <summary>The spectrum C(k) per component (a copy is kept).</summary>
    public IReadOnlyList<double> Spectrum { get; }

    /// <inheritdoc />
    protected override void DrawCore(Span<double> x0, int count, ref RandomStream rng)
    {
        int v = Lattice.SiteCount, fields = count * Components;
        var scratch = new Complex[v]; // per call: the source may be shared between threads
        for (int f = 0; f < fields; f += 2)
        {
            var second = f + 1 < fields ? x0.Slice((f + 1) * v, v) : Span<double>.Empty;
            ExactSampler.SamplePair(_fourier, _amplitude, rng.NextUInt64(), 0, x0.Slice(f * v, v), second, scratch);
        }
    }

    /// <inheritdoc />
    public override string Describe() =>
        System.FormattableString.Invariant($"exact Gaussian fields: n = {Components}, {Lattice}, C(0) = {Spectrum[0]:G6}");
}
