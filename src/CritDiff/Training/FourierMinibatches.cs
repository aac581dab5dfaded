using System.Numerics;
using CritDiff.Diffusion;
using CritDiff.Lattices;
using CritDiff.Networks;
using CritDiff.Statistics;

namespace CritDiff.Training;

/// <summary>
/// Per-mode moments of a minibatch, for convolution networks, from B samples drawn one by one: fresh
/// exact fields (independent complex Gaussians of variance C(k) on each pair (k, -k), real ones on
/// self-conjugate modes) or configurations of a data set, each with fresh white noise z.
/// Cost O(B V): 2 V normals per fresh sample.
/// Layout of one sample's reals (x0 and z alike): [Re over pairs | Im over pairs | self-conjugate],
/// so the accumulation runs over contiguous arrays in SIMD vectors. With g the x0 reals and h the
/// noise normals, a pair has z~ = (h_re + i h_im)/sqrt 2 and x~_t = alpha g + b z~, alpha = a sqrt(C/2)
/// (fresh) or a (data, g = the spectrum itself); a self-conjugate mode has z~ = h, alpha = a sqrt C or a.
/// </summary>
internal sealed class FourierMinibatches : Minibatches
{
    private readonly HermitianModes _modes;
    private readonly double[] _alpha;       // per real of x0, in the sample layout
    private readonly Complex[]? _data;      // data spectra, count x V
    private readonly int _dataCount;
    private readonly double[] _x0;          // one sample's x0 reals (normals for fresh samples)
    private readonly double[] _noise;       // one sample's noise normals
    private readonly double[] _signal;      // sum |x~_t|^2 over the batch, sample layout (Re part: pairs)
    private readonly double[] _cross;       // sum x~_t conj(h) components, sample layout

    public FourierMinibatches(Lattice lattice, ForwardProcess process, double time, int batchSize,
        double[]? spectrum, Complex[]? dataSpectra) : base(lattice, process, time, batchSize)
    {
        int v = lattice.SiteCount;
        _modes = new HermitianModes(lattice);
        _data = dataSpectra;
        _dataCount = dataSpectra is null ? 0 : dataSpectra.Length / v;
        int pairs = _modes.Pairs.Length;
        _alpha = new double[v];
        double a = SignalScale;
        for (int i = 0; i < pairs; i++)
        {
            int k = _modes.Pairs[i];
            _alpha[i] = _alpha[pairs + i] = spectrum is null ? a : a * Math.Sqrt(0.5 * spectrum[k]);
        }
        for (int i = 0; i < _modes.SelfConjugate.Length; i++)
            _alpha[2 * pairs + i] = spectrum is null ? a : a * Math.Sqrt(spectrum[_modes.SelfConjugate[i]]);
        _x0 = new double[v];
        _noise = new double[v];
        _signal = new double[v];
        _cross = new double[v];
    }

    public override LossMoments Draw(ref RandomStream rng)
    {
        Array.Clear(_signal);
        Array.Clear(_cross);
        double noise = 0;
        for (int sample = 0; sample < BatchSize; sample++)
        {
            DrawData(ref rng);
            rng.FillGaussian(_noise);
            noise += AccumulatePairs() + AccumulateSelfConjugate();
        }
        return Moments(noise);
    }

    /// <summary>
    /// Adds one sample's pair terms: |x~_t|^2 to the signal, (x_re h_re + x_im h_im, x_im h_re - x_re h_im)
    /// (= sqrt 2 b x~_t conj z~) to the cross sums. Returns sum (h_re^2 + h_im^2) = sum over both modes of |z~|^2.
    /// </summary>
    private double AccumulatePairs()
    {
        int pairs = _modes.Pairs.Length, width = Vector<double>.Count;
        double beta = NoiseScale * Math.Sqrt(0.5);
        var g = _x0.AsSpan();
        var h = _noise.AsSpan();
        var alpha = _alpha.AsSpan();
        var signal = _signal.AsSpan();
        var cross = _cross.AsSpan();
        var betaV = new Vector<double>(beta);
        var noiseV = Vector<double>.Zero;
        int i = 0;
        for (; i + width <= pairs; i += width)
        {
            var alphaV = new Vector<double>(alpha[i..]);
            var hr = new Vector<double>(h[i..]);
            var hi = new Vector<double>(h[(pairs + i)..]);
            var xr = alphaV * new Vector<double>(g[i..]) + betaV * hr;
            var xi = alphaV * new Vector<double>(g[(pairs + i)..]) + betaV * hi;
            (new Vector<double>(signal[i..]) + xr * xr + xi * xi).CopyTo(signal[i..]);
            (new Vector<double>(cross[i..]) + xr * hr + xi * hi).CopyTo(cross[i..]);
            (new Vector<double>(cross[(pairs + i)..]) + xi * hr - xr * hi).CopyTo(cross[(pairs + i)..]);
            noiseV += hr * hr + hi * hi;
        }
        double noise = Vector.Sum(noiseV);
        for (; i < pairs; i++)
        {
            double hr = h[i], hi = h[pairs + i];
            double xr = alpha[i] * g[i] + beta * hr, xi = alpha[i] * g[pairs + i] + beta * hi;
            signal[i] += xr * xr + xi * xi;
            cross[i] += xr * hr + xi * hi;
            cross[pairs + i] += xi * hr - xr * hi;
            noise += hr * hr + hi * hi;
        }
        return noise;
    }

    /// <summary>Adds one sample's self-conjugate terms (x_t^2 and x_t h); returns sum h^2.</summary>
    private double AccumulateSelfConjugate()
    {
        int start = 2 * _modes.Pairs.Length;
        double b = NoiseScale, noise = 0;
        for (int i = start; i < _x0.Length; i++)
        {
            double h = _noise[i], xt = _alpha[i] * _x0[i] + b * h;
            _signal[i] += xt * xt;
            _cross[i] += xt * h;
            noise += h * h;
        }
        return noise;
    }

    /// <summary>Batch means in mode order: pair sums go to k and (conjugated) to -k.</summary>
    private ModeMoments Moments(double noise)
    {
        int v = Lattice.SiteCount, pairs = _modes.Pairs.Length;
        double inverseBatch = 1.0 / BatchSize, b = NoiseScale;
        double pairCross = inverseBatch * Math.Sqrt(0.5) / b, selfCross = inverseBatch / b;
        var signal = new double[v];
        var cross = new Complex[v];
        for (int i = 0; i < pairs; i++)
        {
            int k = _modes.Pairs[i], minus = _modes.Partners[i];
            signal[k] = signal[minus] = inverseBatch * _signal[i];
            var c = new Complex(pairCross * _cross[i], pairCross * _cross[pairs + i]);
            cross[k] = c;
            cross[minus] = Complex.Conjugate(c);
        }
        for (int i = 0; i < _modes.SelfConjugate.Length; i++)
        {
            int k = _modes.SelfConjugate[i];
            signal[k] = inverseBatch * _signal[2 * pairs + i];
            cross[k] = selfCross * _cross[2 * pairs + i];
        }
        return new ModeMoments(signal, cross, noise * inverseBatch / (v * b * b));
    }

    /// <summary>One sample's x0 reals: fresh normals (scaled by alpha later) or a data spectrum.</summary>
    private void DrawData(ref RandomStream rng)
    {
        if (_data is null)
        {
            rng.FillGaussian(_x0);
            return;
        }
        int v = Lattice.SiteCount, pairs = _modes.Pairs.Length;
        int index = (int)(rng.NextUInt64() % (ulong)_dataCount);
        var spectrum = _data.AsSpan(index * v, v);
        for (int i = 0; i < pairs; i++)
        {
            var value = spectrum[_modes.Pairs[i]];
            _x0[i] = value.Real;
            _x0[pairs + i] = value.Imaginary;
        }
        for (int i = 0; i < _modes.SelfConjugate.Length; i++) _x0[2 * pairs + i] = spectrum[_modes.SelfConjugate[i]].Real;
    }
}
