using System.Numerics;
using CritDiff.Diffusion;
using CritDiff.Lattices;
using CritDiff.Networks;
using CritDiff.Statistics;

namespace CritDiff.Training;

/// <summary>
/// Per-mode moments of a minibatch of B fresh exact samples with fresh noise, drawn directly from
/// their law instead of sample by sample. Per pair (k, -k) the vector w = (x~_t(k), z~(k)) is circular
/// complex Gaussian with covariance Sigma = [[S, b], [b, 1]], S = a^2 C(k) + b^2 (x~_t = a x~_0 + b z~,
/// x~_0 ~ CN(0, C) independent of z~ ~ CN(0, 1)); distinct pairs are independent. So the batch sums
/// W = sum_n w_n w_n^H form a complex Wishart CW_2(B, Sigma) per pair, and a real Wishart W_2(B, Sigma)
/// per self-conjugate mode. Bartlett's decomposition samples it exactly: Sigma = L L^H (Cholesky:
/// L11 = sqrt S, L21 = b / sqrt S, L22 = a sqrt(C / S)), W = (L A)(L A)^H with A lower triangular,
/// A11^2 ~ Gamma(B, 1), A22^2 ~ Gamma(B - 1, 1), A21 ~ CN(0, 1) (complex; Goodman 1963), or
/// A11^2 ~ chi2_B, A22^2 ~ chi2_(B-1), A21 ~ N(0, 1) (real). Then Signal(k) = W11 / B,
/// Cross(k) = W12 / (B b), and the noise term sums W22 over all modes. Same law as
/// <see cref="FourierMinibatches"/> with fresh samples, at O(V) cost per batch whatever B.
/// </summary>
internal sealed class WishartMinibatches : Minibatches
{
    private readonly HermitianModes _modes;
    private readonly double[] _signalVariance; // S(k, t)
    private readonly double[] _lower22;        // a sqrt(C / S)

    public WishartMinibatches(Lattice lattice, ForwardProcess process, double time, int batchSize, double[] spectrum)
        : base(lattice, process, time, batchSize)
    {
        _modes = new HermitianModes(lattice);
        double a = SignalScale, b2 = NoiseScale * NoiseScale;
        _signalVariance = spectrum.Select(c => a * a * c + b2).ToArray();
        _lower22 = spectrum.Select((c, k) => a * Math.Sqrt(c / _signalVariance[k])).ToArray();
    }

    public override LossMoments Draw(ref RandomStream rng)
    {
        int v = Lattice.SiteCount, batch = BatchSize;
        var signal = new double[v];
        var cross = new Complex[v];
        double b = NoiseScale, inverseBatch = 1.0 / batch, noise = 0;
        for (int i = 0; i < _modes.Pairs.Length; i++)
        {
            int k = _modes.Pairs[i], minus = _modes.Partners[i];
            double a11 = Math.Sqrt(rng.NextGamma(batch)), a22 = Math.Sqrt(rng.NextGamma(batch - 1));
            var (re, im) = rng.NextGaussianPair();
            var a21 = new Complex(re, im) * Math.Sqrt(0.5);
            var (w11, w12, w22) = Product(_signalVariance[k], _lower22[k], b, a11, a21, a22);
            signal[k] = signal[minus] = w11 * inverseBatch;
            cross[k] = w12 * (inverseBatch / b);
            cross[minus] = Complex.Conjugate(cross[k]);
            noise += 2 * w22;
        }
        foreach (int k in _modes.SelfConjugate)
        {
            double a11 = Math.Sqrt(2 * rng.NextGamma(0.5 * batch)), a22 = Math.Sqrt(2 * rng.NextGamma(0.5 * (batch - 1)));
            var (w11, w12, w22) = Product(_signalVariance[k], _lower22[k], b, a11, rng.NextGaussian(), a22);
            signal[k] = w11 * inverseBatch;
            cross[k] = w12 * (inverseBatch / b);
            noise += w22;
        }
        return new ModeMoments(signal, cross, noise * inverseBatch / (v * b * b));
    }

    /// <summary>W = M M^H for M = L A: M11 = L11 A11, M21 = L21 A11 + L22 A21, M22 = L22 A22.</summary>
    private static (double W11, Complex W12, double W22) Product(double s, double lower22, double b,
        double a11, Complex a21, double a22)
    {
        double l11 = Math.Sqrt(s), l21 = b / l11;
        double m11 = l11 * a11, m22 = lower22 * a22;
        var m21 = l21 * a11 + lower22 * a21;
        double w22 = m21.Real * m21.Real + m21.Imaginary * m21.Imaginary + m22 * m22;
        return (m11 * m11, m11 * Complex.Conjugate(m21), w22);
    }
}
