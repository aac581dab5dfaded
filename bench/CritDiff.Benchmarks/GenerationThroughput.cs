using System.Globalization;
using CritDiff.Diffusion;
using CritDiff.Fields;
using CritDiff.Generation;
using CritDiff.Lattices;
using CritDiff.Networks;

namespace CritDiff.Benchmarks;

/// <summary>
/// Generated samples per second (issue 4): d = 2, L = 128, K = 100 exponential-integrator steps, a batch of
/// 256, for a 16-slice one-layer and two-layer-local:1 model (the cost does not depend on the trained values,
/// so balanced starts stand in for trained kernels). Median over repeats, all threads and one thread.
/// </summary>
public static class GenerationThroughput
{
    public static void Run(int repeats)
    {
        var field = GaussianField.AtCorrelationLengthOverSize(new Lattice(2, 128), 0.25);
        var process = new VariancePreserving();
        double tMax = process.AutoFinalTime(field.Susceptibility, 1e-3);
        var grid = TimeGrid.LogSpaced(16, 1e-3, tMax);
        var settings = new GenerationSettings(Samplers.ExponentialIntegrator, 100, tMax, 1e-3);
        Console.WriteLine($"{"arch",-20} {"threads",8} {"samples/s",12}");
        var results = new List<string>();
        foreach (string name in new[] { "one-layer", "two-layer-local:1" })
        {
            var architecture = Architecture.Parse(name);
            var network = LinearMomentNetwork.Create(field.Lattice, architecture);
            var parameters = grid.Times.Select(_ =>
            {
                var p = network.CreateParameters();
                network.InitializeBalanced(p, 0.5);
                return p;
            }).ToArray();
            var score = TrainedScore.FromParameters(field.Lattice, architecture, ParameterBasis.Kernel, grid.Times, parameters, interpolate: false);
            var reverse = new ReverseProcess(field.Lattice, process, score, settings);
            foreach (int threads in new[] { 1, Environment.ProcessorCount })
            {
                ulong seed = 1;
                double seconds = QuickModes.MedianSeconds(repeats, () => reverse.Generate(256, seed++, threads));
                double rate = 256 / seconds;
                Console.WriteLine($"{name,-20} {threads,8} {rate,12:F1}");
                results.Add(string.Create(CultureInfo.InvariantCulture, $"{{\"arch\": \"{name}\", \"threads\": {threads}, \"samples_per_second\": {rate:F2}}}"));
            }
        }
        // Like for like with bench/torch/generation.py: the same one-layer model through the general real-space sampler
        // (sde-exp: a score evaluation by real FFTs per step, then the update with fresh normals), not the per-mode path.
        {
            var model = new LinearScoreModel(field.Lattice, 1, Architecture.Parse("one-layer"));
            var network = LinearMomentNetwork.Create(field.Lattice, Architecture.Parse("one-layer"));
            var parameters = grid.Times.Select(_ =>
            {
                var p = network.CreateParameters();
                network.InitializeBalanced(p, 0.5);
                return p;
            }).ToArray();
            var sliced = new SlicedScore(model, grid.Times, parameters, interpolate: false);
            var realSpace = new GenerationSettings(Samplers.ExponentialIntegrator, 100, tMax, 1e-3);
            foreach (int threads in new[] { 1, Environment.ProcessorCount })
            {
                ulong seed = 1;
                double seconds = QuickModes.MedianSeconds(repeats, () => RealSpaceSampler.Generate(sliced, process, realSpace, 256, seed++,
                    maxDegreeOfParallelism: threads));
                double rate = 256 / seconds;
                Console.WriteLine($"{"one-layer real-space",-20} {threads,8} {rate,12:F1}");
                results.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{{\"arch\": \"one-layer\", \"sampler\": \"real-space\", \"threads\": {threads}, \"samples_per_second\": {rate:F2}}}"));
            }
        }
        Console.WriteLine("{\"benchmark\": \"generation\", \"d\": 2, \"L\": 128, \"steps\": 100, \"batch\": 256, \"results\": [" + string.Join(", ", results) + "]}");
    }
}
