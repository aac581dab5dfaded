using CritDiff.Fields;
using CritDiff.Lattices;

namespace CritDiff.MonteCarlo;

/// <summary>
/// The inverse mass matrix P of Langevin and HMC kernels, applied as a power P^a (a in {1, -1, 1/2, -1/2}).
/// Identity for the local kernels; for Fourier acceleration P = C, the free propagator, a multiplier
/// C(k) = 1/(beta (khat2 + mu2)) applied by FFT. With P = C the preconditioned target is N(0, I) in the
/// whitened coordinates, so every mode moves at the same rate and the dynamics do not slow down with L.
/// </summary>
internal sealed class Preconditioner
{
    private readonly FourierTransform? _transform;
    private readonly double[][]? _multipliers;

    private Preconditioner(GaussianField field, bool fourier)
    {
        if (!fourier) return;
        _transform = new FourierTransform(field.Lattice);
        var c = field.SpectrumTable();
        _multipliers =
        [
            c,
            c.Select(v => 1 / v).ToArray(),
            c.Select(Math.Sqrt).ToArray(),
            c.Select(v => 1 / Math.Sqrt(v)).ToArray(),
        ];
    }

    /// <summary>P = I.</summary>
    public static Preconditioner Identity(GaussianField field) => new(field, fourier: false);

    /// <summary>P = C, the free propagator.</summary>
    public static Preconditioner Fourier(GaussianField field) => new(field, fourier: true);

    /// <summary>True for P = C.</summary>
    public bool IsFourier => _transform is not null;

    /// <summary>dst = P^a v (v and dst may be the same array).</summary>
    public void Apply(Power power, ReadOnlySpan<double> v, Span<double> dst, ChainState state)
    {
        if (_transform is null)
        {
            v.CopyTo(dst);
            return;
        }
        var spectrum = state.Spectrum;
        for (int i = 0; i < v.Length; i++) spectrum[i] = v[i];
        _transform.Forward(spectrum);
        var m = _multipliers![(int)power];
        for (int i = 0; i < spectrum.Length; i++) spectrum[i] *= m[i];
        _transform.Inverse(spectrum);
        for (int i = 0; i < dst.Length; i++) dst[i] = spectrum[i].Real;
    }

    /// <summary>The power a of P^a.</summary>
    public enum Power
    {
        /// <summary>P.</summary>
        One = 0,
        /// <summary>P^-1.</summary>
        Inverse = 1,
        /// <summary>P^(1/2).</summary>
        Sqrt = 2,
        /// <summary>P^(-1/2).</summary>
        InverseSqrt = 3,
    }
}
