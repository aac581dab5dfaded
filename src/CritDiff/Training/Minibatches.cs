using System.Numerics;
using CritDiff.Diffusion;
using CritDiff.Fields;
using CritDiff.Lattices;
using CritDiff.Networks;
using CritDiff.Statistics;
using MathNet.Numerics.LinearAlgebra;
using Vector = MathNet.Numerics.LinearAlgebra.Vector<double>;

namespace CritDiff.Training;

/// <summary>
/// Draws the moments of one empirical minibatch at a fixed time t: B data configurations x_0, fresh
/// noise z, x_t = a x_0 + b z, exactly as a practitioner trains (SCIENCE.md section 4). The
/// empirical loss (1/(B V)) sum_b || s(x_t) + z/b ||^2 and its gradient are exact functions of these
/// moments, so the network evaluates them in closed form.
/// </summary>
public abstract class Minibatches
{
    /// <summary>Sets the common properties.</summary>
    protected Minibatches(Lattice lattice, ForwardProcess process, double time, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(lattice);
        ArgumentNullException.ThrowIfNull(process);
        ForwardProcess.CheckTime(time);
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batch size must be >= 1");
        Lattice = lattice;
        Time = time;
        BatchSize = batchSize;
        SignalScale = process.SignalScale(time);
        NoiseScale = Math.Sqrt(process.NoiseVariance(time));
    }

    /// <summary>The lattice.</summary>
    public Lattice Lattice { get; }

    /// <summary>Diffusion time t.</summary>
    public double Time { get; }

    /// <summary>Batch size B.</summary>
    public int BatchSize { get; }

    /// <summary>a(t).</summary>
    protected double SignalScale { get; }

    /// <summary>b(t).</summary>
    protected double NoiseScale { get; }

    /// <summary>Draws the next minibatch's moments from <paramref name="rng"/>.</summary>
    public abstract LossMoments Draw(ref RandomStream rng);

    /// <summary>
    /// Fresh exact samples for convolution networks, drawn directly in Fourier space: a real field's
    /// spectrum is Hermitian, with independent complex Gaussians of variance C(k) on each pair
    /// (k, -k) and real ones on self-conjugate modes; so is white noise with C = 1. Same law as
    /// sampling in real space and transforming, at O(B V) cost with no FFT.
    /// </summary>
    public static Minibatches FreshFourier(GaussianField field, ForwardProcess process, double time, int batchSize) =>
        new FourierMinibatches(field.Lattice, process, time, batchSize, field.SpectrumTable(), null);

    /// <summary>
    /// Minibatches drawn uniformly with replacement from a fixed data set (count x V real-space
    /// configurations), transformed once to Fourier space; fresh noise every batch.
    /// </summary>
    public static Minibatches FromData(Lattice lattice, ForwardProcess process, double time, int batchSize,
        double[] configurations, int count)
    {
        var spectra = new FourierTransform(lattice).ForwardRealBatch(configurations, count);
        return new FourierMinibatches(lattice, process, time, batchSize, null, spectra);
    }

    /// <summary>Real-space minibatches for the dense network (moments are V x V matrices): fresh exact samples or data.</summary>
    public static Minibatches RealSpace(Lattice lattice, ForwardProcess process, double time, int batchSize,
        GaussianField? field, double[]? configurations, int count) =>
        new RealSpaceMinibatches(lattice, process, time, batchSize, field, configurations, count);
}

/// <summary>Per-mode moments of a minibatch, for convolution networks.</summary>
internal sealed class FourierMinibatches : Minibatches
{
    private readonly int[] _pairs;          // modes k with k < -k (their partner gets the conjugate)
    private readonly int[] _partners;
    private readonly int[] _selfConjugate;  // k = -k
    private readonly double[]? _amplitude;  // sqrt(C(k)) for fresh samples
    private readonly Complex[]? _data;      // data spectra, count x V
    private readonly int _dataCount;
    private readonly Complex[] _x0;

    public FourierMinibatches(Lattice lattice, ForwardProcess process, double time, int batchSize,
        double[]? spectrum, Complex[]? dataSpectra) : base(lattice, process, time, batchSize)
    {
        int v = lattice.SiteCount;
        var pairs = new List<int>();
        var partners = new List<int>();
        var self = new List<int>();
        for (int k = 0; k < v; k++)
        {
            int minus = lattice.NegatedMode(k);
            if (minus == k) self.Add(k);
            else if (k < minus)
            {
                pairs.Add(k);
                partners.Add(minus);
            }
        }
        _pairs = pairs.ToArray();
        _partners = partners.ToArray();
        _selfConjugate = self.ToArray();
        _amplitude = spectrum?.Select(Math.Sqrt).ToArray();
        _data = dataSpectra;
        _dataCount = dataSpectra is null ? 0 : dataSpectra.Length / v;
        _x0 = new Complex[v];
    }

    public override LossMoments Draw(ref RandomStream rng)
    {
        int v = Lattice.SiteCount;
        var signal = new double[v];
        var cross = new Complex[v];
        double noise = 0, a = SignalScale, b = NoiseScale, half = Math.Sqrt(0.5);
        for (int sample = 0; sample < BatchSize; sample++)
        {
            DrawData(ref rng);
            foreach (int k in _selfConjugate)
            {
                double z = rng.NextGaussian();
                double xt = a * _x0[k].Real + b * z;
                signal[k] += xt * xt;
                cross[k] += xt * z / b;
                noise += z * z;
            }
            for (int i = 0; i < _pairs.Length; i++)
            {
                int k = _pairs[i];
                var (zr, zi) = rng.NextGaussianPair();
                var z = new Complex(half * zr, half * zi);
                var xt = a * _x0[k] + b * z;
                double power = xt.Real * xt.Real + xt.Imaginary * xt.Imaginary;
                var c = xt * Complex.Conjugate(z) / b;
                signal[k] += power;
                signal[_partners[i]] += power;
                cross[k] += c;
                cross[_partners[i]] += Complex.Conjugate(c);
                noise += 2 * (z.Real * z.Real + z.Imaginary * z.Imaginary);
            }
        }
        double inverseBatch = 1.0 / BatchSize;
        for (int k = 0; k < v; k++)
        {
            signal[k] *= inverseBatch;
            cross[k] *= inverseBatch;
        }
        return new ModeMoments(signal, cross, noise * inverseBatch / (v * b * b));
    }

    private void DrawData(ref RandomStream rng)
    {
        int v = Lattice.SiteCount;
        if (_data is not null)
        {
            int index = (int)(rng.NextUInt64() % (ulong)_dataCount);
            _data.AsSpan(index * v, v).CopyTo(_x0);
            return;
        }
        var amplitude = _amplitude!;
        double half = Math.Sqrt(0.5);
        foreach (int k in _selfConjugate) _x0[k] = amplitude[k] * rng.NextGaussian();
        for (int i = 0; i < _pairs.Length; i++)
        {
            int k = _pairs[i];
            var (re, im) = rng.NextGaussianPair();
            var value = new Complex(half * amplitude[k] * re, half * amplitude[k] * im);
            _x0[k] = value;
            _x0[_partners[i]] = Complex.Conjugate(value);
        }
    }
}

/// <summary>Real-space second-moment matrices of a minibatch, for the dense network.</summary>
internal sealed class RealSpaceMinibatches : Minibatches
{
    private readonly ExactSampler? _sampler;
    private readonly double[]? _data;
    private readonly int _dataCount;

    public RealSpaceMinibatches(Lattice lattice, ForwardProcess process, double time, int batchSize,
        GaussianField? field, double[]? configurations, int count) : base(lattice, process, time, batchSize)
    {
        if ((field is null) == (configurations is null))
            throw new ArgumentException("give either a field to sample or a data set");
        _sampler = field is null ? null : new ExactSampler(field);
        _data = configurations;
        _dataCount = count;
    }

    public override LossMoments Draw(ref RandomStream rng)
    {
        int v = Lattice.SiteCount;
        var x0 = new double[v];
        var partner = new double[v];
        var z = new double[v];
        var scratch = new Complex[v];
        var signal = Matrix<double>.Build.Dense(v, v);
        var cross = Matrix<double>.Build.Dense(v, v);
        var xt = Vector.Build.Dense(v);
        var zv = Vector.Build.Dense(v);
        double noise = 0, a = SignalScale, b = NoiseScale;
        for (int sample = 0; sample < BatchSize; sample++)
        {
            if (_sampler is not null) _sampler.SamplePair(rng.NextUInt64(), 0, x0, partner, scratch);
            else _data.AsSpan((int)(rng.NextUInt64() % (ulong)_dataCount) * v, v).CopyTo(x0);
            rng.FillGaussian(z);
            for (int x = 0; x < v; x++)
            {
                xt[x] = a * x0[x] + b * z[x];
                zv[x] = z[x];
                noise += z[x] * z[x];
            }
            signal += xt.OuterProduct(xt);
            cross += xt.OuterProduct(zv) / b;
        }
        return new MatrixMoments(signal / BatchSize, cross / BatchSize, noise / (BatchSize * v * b * b));
    }
}
