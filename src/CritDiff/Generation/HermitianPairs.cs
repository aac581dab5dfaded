using System.Numerics;
using CritDiff.Lattices;
using CritDiff.Statistics;

namespace CritDiff.Generation;

/// <summary>
/// The Fourier modes of a real field grouped as pairs (k, -k), whose coefficients are complex
/// conjugates, and self-conjugate modes (k = -k), whose coefficients are real. Draws and advances
/// Hermitian spectra so that they stay the transforms of real fields.
/// </summary>
internal sealed class HermitianPairs
{
    private readonly int[] _pairs;
    private readonly int[] _partners;
    private readonly int[] _selfConjugate;

    public HermitianPairs(Lattice lattice)
    {
        var modes = new HermitianModes(lattice);
        _pairs = modes.Pairs;
        _partners = modes.Partners;
        _selfConjugate = modes.SelfConjugate;
    }

    /// <summary>White Hermitian spectrum times <paramref name="scale"/>: E|y~(k)|^2 = scale^2 on every mode.</summary>
    public void DrawWhite(ref RandomStream rng, Complex[] spectrum, double scale)
    {
        double half = scale * Math.Sqrt(0.5);
        foreach (int k in _selfConjugate) spectrum[k] = scale * rng.NextGaussian();
        for (int i = 0; i < _pairs.Length; i++)
        {
            var (re, im) = rng.NextGaussianPair();
            var value = new Complex(half * re, half * im);
            spectrum[_pairs[i]] = value;
            spectrum[_partners[i]] = Complex.Conjugate(value);
        }
    }

    /// <summary>One step y~ &lt;- gain y~ + sqrt(noise) xi with Hermitian white xi (no draws when noise is 0 everywhere).</summary>
    public void Advance(ref RandomStream rng, Complex[] spectrum, Complex[] gains, double[] noise)
    {
        bool noisy = noise[0] > 0;
        foreach (int k in _selfConjugate)
            spectrum[k] = gains[k].Real * spectrum[k] + (noisy ? Math.Sqrt(noise[k]) * rng.NextGaussian() : 0);
        for (int i = 0; i < _pairs.Length; i++)
        {
            int k = _pairs[i];
            var value = gains[k] * spectrum[k];
            if (noisy)
            {
                var (re, im) = rng.NextGaussianPair();
                double s = Math.Sqrt(0.5 * noise[k]);
                value += new Complex(s * re, s * im);
            }
            spectrum[k] = value;
            spectrum[_partners[i]] = Complex.Conjugate(value);
        }
    }

    /// <summary>Calls <paramref name="visit"/>(k, degrees of freedom) once per independent mode: 1 for self-conjugate, 2 for a pair (k, -k).</summary>
    public void ForEachIndependent(Action<int, int> visit)
    {
        foreach (int k in _selfConjugate) visit(k, 1);
        foreach (int k in _pairs) visit(k, 2);
    }
}
