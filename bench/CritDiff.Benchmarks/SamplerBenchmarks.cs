using System.Numerics;
using BenchmarkDotNet.Attributes;
using CritDiff.Fields;
using CritDiff.Lattices;

namespace CritDiff.Benchmarks;

/// <summary>BenchmarkDotNet: one batch of 64 exact samples, and one forward complex FFT, per size.</summary>
[SimpleJob(warmupCount: 2, iterationCount: 7)]
[MemoryDiagnoser]
public class SamplerBenchmarks
{
    private ExactSampler _sampler = null!;
    private FourierTransform _fourier = null!;
    private double[] _buffer = [];
    private Complex[] _field = [];

    [Params("2x256", "3x64")]
    public string Size { get; set; } = "2x256";

    [Params(1, -1)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var parts = Size.Split('x');
        var lattice = new Lattice(int.Parse(parts[0]), int.Parse(parts[1]));
        _sampler = new ExactSampler(GaussianField.AtCorrelationLengthOverSize(lattice, 0.25));
        _fourier = new FourierTransform(lattice);
        _buffer = new double[SamplerThroughput.Batch * lattice.SiteCount];
        _field = new Complex[lattice.SiteCount];
    }

    [Benchmark]
    public void SampleBatchOf64() => _sampler.Sample(_buffer, SamplerThroughput.Batch, 1, 0, Threads);

    [Benchmark]
    public void ForwardFft() => _fourier.Forward(_field);
}
