using CritDiff.Fields;
using CritDiff.Lattices;

namespace CritDiff.MonteCarlo;

/// <summary>
/// The inverse mass matrix P of Langevin and HMC kernels, applied as a power P^a (a in {1, -1, 1/2, -1/2}) to each of the
/// n components of a configuration (component-major). Identity for the local kernels; for Fourier acceleration P = C, the
/// propagator of a Gaussian reference action, a multiplier C(k) applied by FFT: for the Gaussian field its own
/// C(k) = 1/(beta (khat2 + mu2)), for a hopping-form model the propagator of its quadratic part (<see cref="HoppingAction.ReferencePropagator"/>).
/// With P = C the preconditioned Gaussian target is N(0, I) in the whitened coordinates, so every mode moves at the same
/// rate and the dynamics do not slow down with L. Any positive definite P leaves the target of an exact (adjusted) kernel
/// unchanged; only the speed depends on it.
/// </summary>
internal sealed class Preconditioner
{
    private readonly FourierTransform? _transform;
    private readonly double[][]? _multipliers;

    private Preconditioner(Lattice? lattice, double[]? propagator)
    {
        if (propagator is null) return;
        _transform = new FourierTransform(lattice!);
        _multipliers =
        [
            propagator,
            propagator.Select(v => 1 / v).ToArray(),
            propagator.Select(Math.Sqrt).ToArray(),
            propagator.Select(v => 1 / Math.Sqrt(v)).ToArray(),
        ];
    }

    /// <summary>P = I.</summary>
    public static Preconditioner Identity { get; } = new(null, null);

    /// <summary>P = C, the free propagator of <paramref name="field"/>.</summary>
    public static Preconditioner Fourier(GaussianField field) => new(field.Lattice, field.SpectrumTable());

    /// <summary>P = C with the per-mode multiplier <paramref name="propagator"/> (length V, > 0) on <paramref name="lattice"/>.</summary>
    public static Preconditioner Fourier(Lattice lattice, double[] propagator)
    {
        if (propagator.Any(c => !(c > 0) || double.IsInfinity(c)))
            throw new ArgumentException("the Fourier-acceleration propagator C(k) must be > 0 and finite at every mode (a reference mass squared > 0, hopping >= 0)", nameof(propagator));
        return new(lattice, propagator);
    }

    /// <summary>True for P = C.</summary>
    public bool IsFourier => _transform is not null;

    /// <summary>dst = P^a v per component (v and dst may be the same array).</summary>
    public void Apply(Power power, ReadOnlySpan<double> v, Span<double> dst, ModelChain chain)
    {
        if (_transform is null)
        {
            v.CopyTo(dst);
            return;
        }
        var spectrum = chain.Spectrum;
        var m = _multipliers![(int)power];
        for (int start = 0; start < v.Length; start += spectrum.Length)
        {
            for (int i = 0; i < spectrum.Length; i++) spectrum[i] = v[start + i];
            _transform.Forward(spectrum);
            for (int i = 0; i < spectrum.Length; i++) spectrum[i] *= m[i];
            _transform.Inverse(spectrum);
            for (int i = 0; i < spectrum.Length; i++) dst[start + i] = spectrum[i].Real;
        }
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
