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
/// noise z, x_t = a x_0 + b z, exactly as a practitioner trains (docs/science.md section 4). The
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
    /// <see cref="FreshFourier(GaussianField, ForwardProcess, double, int)"/> for any data spectrum, e.g. one
    /// measured on non-Gaussian data: fresh Gaussian fields with that spectrum (the data's second moments, not
    /// their higher ones).
    /// </summary>
    public static Minibatches FreshFourier(Lattice lattice, double[] spectrum, ForwardProcess process, double time, int batchSize) =>
        new FourierMinibatches(lattice, process, time, batchSize, CheckSpectrum(lattice, spectrum), null);

    /// <summary>
    /// The same law as <see cref="FreshFourier(GaussianField, ForwardProcess, double, int)"/>, drawn per mode from the batch's Wishart distribution
    /// (Bartlett decomposition) instead of sample by sample: O(V) per batch whatever the batch size.
    /// Exact for fresh Gaussian samples only; the random streams differ from <see cref="FreshFourier(GaussianField, ForwardProcess, double, int)"/>'s.
    /// </summary>
    public static Minibatches FreshWishart(GaussianField field, ForwardProcess process, double time, int batchSize) =>
        new WishartMinibatches(field.Lattice, process, time, batchSize, field.SpectrumTable());

    /// <summary>
    /// <see cref="FreshWishart(GaussianField, ForwardProcess, double, int)"/> for any data spectrum, e.g. one
    /// measured on non-Gaussian data: the batch moments of fresh Gaussian fields with that spectrum.
    /// </summary>
    public static Minibatches FreshWishart(Lattice lattice, double[] spectrum, ForwardProcess process, double time, int batchSize) =>
        new WishartMinibatches(lattice, process, time, batchSize, CheckSpectrum(lattice, spectrum));

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
        new RealSpaceMinibatches(lattice, process, time, batchSize, field?.SpectrumTable(), configurations, count);

    /// <summary>Real-space minibatches for the dense network of fresh Gaussian fields with a given (e.g. measured) spectrum.</summary>
    public static Minibatches FreshRealSpace(Lattice lattice, double[] spectrum, ForwardProcess process, double time, int batchSize) =>
        new RealSpaceMinibatches(lattice, process, time, batchSize, CheckSpectrum(lattice, spectrum), null, 0);

    private static double[] CheckSpectrum(Lattice lattice, double[] spectrum)
    {
        ArgumentNullException.ThrowIfNull(lattice);
        ArgumentNullException.ThrowIfNull(spectrum);
        if (spectrum.Length != lattice.SiteCount)
            throw new ArgumentException($"the spectrum has {spectrum.Length} modes, the {lattice} lattice {lattice.SiteCount}", nameof(spectrum));
        if (!spectrum.All(c => c >= 0 && double.IsFinite(c)))
            throw new ArgumentException("the spectrum must be finite and >= 0 on every mode", nameof(spectrum));
        return spectrum;
    }
}

/// <summary>Real-space second-moment matrices of a minibatch, for the dense network.</summary>
internal sealed class RealSpaceMinibatches : Minibatches
{
    private readonly double[]? _amplitude; // sqrt(C(k)) of fresh Gaussian samples
    private readonly FourierTransform _fourier;
    private readonly double[]? _data;
    private readonly int _dataCount;

    public RealSpaceMinibatches(Lattice lattice, ForwardProcess process, double time, int batchSize,
        double[]? spectrum, double[]? configurations, int count) : base(lattice, process, time, batchSize)
    {
        if ((spectrum is null) == (configurations is null))
            throw new ArgumentException("give either a spectrum to sample or a data set");
        _amplitude = spectrum?.Select(Math.Sqrt).ToArray();
        _fourier = new FourierTransform(lattice);
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
            if (_amplitude is not null) ExactSampler.SamplePair(_fourier, _amplitude, rng.NextUInt64(), 0, x0, partner, scratch);
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
