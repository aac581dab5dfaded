using System.Diagnostics;
using System.Globalization;

namespace CritDiff.Benchmarks;

/// <summary>
/// Quick mode "training-step": medians over repeats of (1) a population GD step of the full one-layer
/// network, d = 2, L = 256, 16 slices, on 1 and all threads (slices in parallel, as the trainer runs
/// them), with kernel parameters through the network API (sampler column "-": two FFTs per step), the same kernel parameters stepped as critdiff train steps them, on their multipliers ("trainer"), and Fourier-basis parameters ("fourier"); (2) an empirical SGD step, d = 2, L = 64, B = 64, t = 0.1, for one-layer and
/// two-layer-local:1, with the direct minibatch sampler (sample by sample) and the Wishart one (the default of critdiff train for fresh samples). Empirical steps
/// run on one thread; "threads = 2" there means two independent slices stepping concurrently
/// (aggregate steps/s). Compare with bench/torch/training_step.py (bench/torch/compare_training_step.sh
/// runs both back to back).
/// </summary>
public static class TrainingStepTimes
{
    private const int Length = 64, Batch = 64;

    public static void Run(int repeats) => Run(repeats, empirical: true);

    /// <summary>Quick mode "population-step": only the population GD rows (compare with bench/torch/population_step.py).</summary>
    public static void RunPopulation(int repeats) => Run(repeats, empirical: false);

    private static void Run(int repeats, bool empirical)
    {
        var rows = new List<(string Name, string Arch, string Sampler, int Threads, double Ms)>();
        var population = new PopulationGdStep(256, 16);
        foreach (int threads in Threads())
            rows.Add(("population-gd", "one-layer", "-", threads, PerStepMs(repeats, 0.5, () => population.Step(threads))));
        // The step critdiff train takes with these kernel parameters: on the multipliers (MultiplierDescent), with the
        // score error it records per step.
        var trainer = new PopulationGdStep(256, 16, asTrainer: true);
        foreach (int threads in Threads())
            rows.Add(("population-gd", "one-layer", "trainer", threads, PerStepMs(repeats, 0.5, () => trainer.Step(threads))));
        // The same step with parameters in the Fourier basis (--basis fourier): no FFTs, per-mode arithmetic.
        var multipliers = new PopulationGdStep(256, 16, basis: CritDiff.Networks.ParameterBasis.Fourier);
        foreach (int threads in Threads())
            rows.Add(("population-gd", "one-layer", "fourier", threads, PerStepMs(repeats, 0.5, () => multipliers.Step(threads))));
        foreach (string sampler in empirical ? new[] { "direct", "wishart" } : [])
            foreach (string arch in new[] { "one-layer", "two-layer-local:1" })
                foreach (int threads in Threads())
                {
                    var runs = Enumerable.Range(0, threads).Select(i => new SgdStep(Length, Batch, arch, sampler, seed: (ulong)i + 1)).ToArray();
                    Action step = threads == 1 ? () => runs[0].Step() : () => Parallel.For(0, threads, i => Steps(runs[i], 8));
                    int stepsPerCall = threads == 1 ? 1 : 8;
                    double ms = PerStepMs(repeats, 0.3, step) / (stepsPerCall * threads); // aggregate: per step of any run
                    rows.Add(("empirical-sgd", arch, sampler, threads, ms));
                }
        Print(rows, repeats);
    }

    private static int[] Threads() => Environment.ProcessorCount > 1 ? [1, Environment.ProcessorCount] : [1];

    private static void Steps(SgdStep run, int count)
    {
        for (int i = 0; i < count; i++) run.Step();
    }

    /// <summary>Median over repeats of the time per call, each repeat calling for about <paramref name="seconds"/>.</summary>
    private static double PerStepMs(int repeats, double seconds, Action call)
    {
        var clock = Stopwatch.StartNew();
        int calls = 0;
        while (clock.Elapsed.TotalSeconds < Math.Min(seconds, 0.5) || calls < 3)
        {
            call();
            calls++;
        }
        int perRepeat = Math.Max(1, (int)(calls * seconds / clock.Elapsed.TotalSeconds));
        return 1e3 * QuickModes.MedianSeconds(repeats, () =>
        {
            for (int i = 0; i < perRepeat; i++) call();
        }) / perRepeat;
    }

    private static void Print(List<(string Name, string Arch, string Sampler, int Threads, double Ms)> rows, int repeats)
    {
        Console.WriteLine($"{"step",-14} {"arch",-18} {"sampler",-8} {"threads",7} {"ms/step",10} {"steps/s",10}");
        foreach (var r in rows)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Name,-14} {r.Arch,-18} {r.Sampler,-8} {r.Threads,7} {r.Ms,10:F3} {1e3 / r.Ms,10:F1}"));
        var json = rows.Select(r => string.Create(CultureInfo.InvariantCulture,
            $"{{\"step\": \"{r.Name}\", \"arch\": \"{r.Arch}\", \"sampler\": \"{r.Sampler}\", \"threads\": {r.Threads}, " +
            $"\"L\": {(r.Name == "population-gd" ? 256 : Length)}, \"batch\": {(r.Name == "population-gd" ? 0 : Batch)}, " +
            $"\"slices\": {(r.Name == "population-gd" ? 16 : 1)}, \"ms_per_step\": {r.Ms:F4}, \"steps_per_second\": {1e3 / r.Ms:F2}}}"));
        Console.WriteLine("{\"implementation\": \"critdiff\", \"bench\": \"training-step\", \"repeats\": " + repeats +
                          ", \"results\": [" + string.Join(", ", json) + "]}");
    }
}
