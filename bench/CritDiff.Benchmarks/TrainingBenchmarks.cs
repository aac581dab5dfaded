using BenchmarkDotNet.Attributes;

namespace CritDiff.Benchmarks;

/// <summary>BenchmarkDotNet: one empirical SGD step (d = 2, L = 64, B = 64, t = 0.1) per architecture and minibatch sampler.</summary>
[SimpleJob(warmupCount: 3, iterationCount: 9)]
[MemoryDiagnoser]
public class EmpiricalSgdStepBenchmarks
{
    private SgdStep _step = null!;

    [Params("one-layer", "two-layer-local:1")]
    public string Architecture { get; set; } = "one-layer";

    [Params("direct", "wishart")]
    public string Sampler { get; set; } = "direct";

    [GlobalSetup]
    public void Setup() => _step = new SgdStep(64, 64, Architecture, Sampler);

    [Benchmark]
    public double SgdStep() => _step.Step();
}

/// <summary>BenchmarkDotNet: one population GD step of the full one-layer network over 16 slices, d = 2, L = 256.</summary>
[SimpleJob(warmupCount: 2, iterationCount: 7)]
[MemoryDiagnoser]
public class PopulationGdStepBenchmarks
{
    private PopulationGdStep _step = null!;

    [Params(1, -1)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup() => _step = new PopulationGdStep(256, 16);

    [Benchmark]
    public void GdStep16Slices() => _step.Step(Threads == -1 ? Environment.ProcessorCount : Threads);
}
