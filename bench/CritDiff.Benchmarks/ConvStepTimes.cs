using System.Diagnostics;
using System.Globalization;
using CritDiff.Lattices;
using CritDiff.Networks;
using CritDiff.Statistics;
using CritDiff.Training;

namespace CritDiff.Benchmarks;

/// <summary>
/// Quick mode "conv-step" (issue 12): one DSM training step of conv:8:1 (tanh, n = 1) at d = 2, L = 32 and 64,
/// batch B = 64: x_t = a x0 + b z (x0 fixed white-noise data, t = 0.1, VP a = exp(-t), b^2 = 1 - exp(-2t)), forward,
/// upstream u = 2 (s + z/b) / (B V) (the gradient of (1/(B V)) sum |s + z/b|^2), backward, Adam update. The noise z
/// cycles through a pool of 4 pre-drawn batches, here, in bench/c/conv_step.c and in bench/torch/conv_step.py, so the
/// random-number generator is not timed. Reports medians of wall and process CPU ms per step at 1 and 2 threads (CPU
/// time is the fair single-thread figure on a shared machine), the forward pass alone, and the single-threaded C
/// reference built two ways: gcc -O3 -march=native (strict IEEE: libm tanh and the dot-product reductions stay
/// scalar) and with -ffast-math added (tanh through glibc's vector math library, reductions vectorised), with the
/// CPU-time ratios C# / C. Then generation throughput: samples per second of 100 Euler-Maruyama steps of the VP
/// reverse SDE dy = [y + 2 s(y)] dtau + sqrt(2) dW with the same network (one slice reused), batch 64.
/// Prints a table and one JSON line.
/// </summary>
public static class ConvStepTimes
{
    private const int Batch = 64, Pool = 4, GenerationSteps = 100;
    private const double Time = 0.1, LearningRate = 1e-3;
    private static readonly ConvSpec Spec = ConvSpec.Parse("conv:8:1:tanh");

    public static void Run(int repeats)
    {
        string? reference = NativeReference.Compile("conv_step.c");
        string? fast = NativeReference.Compile("conv_step.c", "-ffast-math");
        Console.WriteLine(reference is null ? "C reference: not available (needs gcc and bench/c/conv_step.c)" : $"C reference: {reference}, {fast}");
        // Warm-up: let tiered compilation reach optimised code for every kernel before the first timing.
        var warm = new Step(32, 1);
        var warmClock = Stopwatch.StartNew();
        while (warmClock.Elapsed.TotalSeconds < 3) warm.Run();
        var json = new List<string>();
        Console.WriteLine("wall ms and process CPU ms per step (CPU time is the fairer measure on a shared machine); C#/C ratios of CPU times");
        Console.WriteLine($"{"what",-11} {"L",3} {"thr",3} {"C# wall",8} {"C# cpu",8} {"C wall",8} {"C cpu",8} {"C#/C",5} {"Cfm wall",8} {"Cfm cpu",8} {"C#/Cfm",6} {"samples/s",9}");
        foreach (int l in new[] { 32, 64 })
        {
            var native = reference is null ? ((double, double)?)null : NativeMs(reference, l, repeats);
            var nativeFast = fast is null ? ((double, double)?)null : NativeMs(fast, l, repeats);
            foreach (int threads in new[] { 1, 2 })
            {
                var step = new Step(l, threads);
                var (wall, cpu) = CallTimer.PerCallMs(repeats, 1.0, step.Run);
                double? ratio = cpu / native?.Item2, ratioFast = cpu / nativeFast?.Item2;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{"train-step",-11} {l,3} {threads,3} {wall,8:F2} {cpu,8:F2} {Format(native?.Item1, "F2"),8} {Format(native?.Item2, "F2"),8} {Format(ratio, "F2"),5} " +
                    $"{Format(nativeFast?.Item1, "F2"),8} {Format(nativeFast?.Item2, "F2"),8} {Format(ratioFast, "F2"),6} {"",9}"));
                json.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{{\"what\": \"train-step\", \"L\": {l}, \"threads\": {threads}, \"ms_per_step\": {wall:F4}, \"cpu_ms_per_step\": {cpu:F4}, " +
                    $"\"c_ms_per_step\": {Format(native?.Item1, "F4", "null")}, \"c_cpu_ms_per_step\": {Format(native?.Item2, "F4", "null")}, \"csharp_over_c_cpu\": {Format(ratio, "F3", "null")}, " +
                    $"\"c_fast_math_ms_per_step\": {Format(nativeFast?.Item1, "F4", "null")}, \"c_fast_math_cpu_ms_per_step\": {Format(nativeFast?.Item2, "F4", "null")}, " +
                    $"\"csharp_over_c_fast_math_cpu\": {Format(ratioFast, "F3", "null")}}}"));
            }
            {
                // The forward pass alone (1 thread): the rest of a step is the backward pass and Adam.
                var step = new Step(l, 1);
                var (wall, cpu) = CallTimer.PerCallMs(repeats, 0.5, step.ForwardOnly);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{"forward",-11} {l,3} {1,3} {wall,8:F2} {cpu,8:F2} {"-",8} {"-",8} {"-",5} {"-",8} {"-",8} {"-",6} {"",9}"));
                json.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{{\"what\": \"forward\", \"L\": {l}, \"threads\": 1, \"ms_per_call\": {wall:F4}, \"cpu_ms_per_call\": {cpu:F4}}}"));
            }
            foreach (int threads in new[] { 1, 2 })
            {
                var generation = new Generation(l, threads);
                var (wall, cpu) = CallTimer.PerCallMs(Math.Max(3, repeats / 2), 1.0, generation.Run);
                double rate = Batch / (1e-3 * wall);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{"generate",-11} {l,3} {threads,3} {wall,8:F1} {cpu,8:F1} {"-",8} {"-",8} {"-",5} {"-",8} {"-",8} {"-",6} {rate,9:F1}"));
                json.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{{\"what\": \"generate\", \"L\": {l}, \"threads\": {threads}, \"steps\": {GenerationSteps}, \"ms_per_batch\": {wall:F2}, \"cpu_ms_per_batch\": {cpu:F2}, \"samples_per_second\": {rate:F2}}}"));
            }
        }
        foreach (string? executable in new[] { reference, fast })
            if (executable is not null) File.Delete(executable);
        Console.WriteLine("{\"implementation\": \"critdiff\", \"bench\": \"conv-step\", \"arch\": \"" + Spec.Name + "\", \"d\": 2, \"batch\": " + Batch +
                          ", \"repeats\": " + repeats + ", \"results\": [" + string.Join(", ", json) + "]}");
    }

    private static string Format(double? value, string format, string missing = "-") =>
        value?.ToString(format, CultureInfo.InvariantCulture) ?? missing;

    /// <summary>Medians over repeats of the C program's wall and CPU ms per step (each run warms up itself).</summary>
    private static (double Wall, double Cpu) NativeMs(string executable, int l, int repeats)
    {
        var wall = new double[repeats];
        var cpu = new double[repeats];
        for (int r = 0; r < repeats; r++)
        {
            string output = NativeReference.Run(executable, string.Create(CultureInfo.InvariantCulture, $"{l} {Batch} 1.0 {r + 1}"));
            wall[r] = double.Parse(NativeReference.Field(output, "ms_per_step"), CultureInfo.InvariantCulture);
            cpu[r] = double.Parse(NativeReference.Field(output, "cpu_ms_per_step"), CultureInfo.InvariantCulture);
        }
        Array.Sort(wall);
        Array.Sort(cpu);
        return (wall[repeats / 2], cpu[repeats / 2]);
    }

    /// <summary>The DSM step's state: network, parameters, Adam, data and noise pool.</summary>
    private sealed class Step
    {
        private readonly NonlinearConvNetwork _net;
        private readonly NetworkParameters _p, _gradient;
        private readonly Adam _adam = new();
        private readonly OptimizerState _state;
        private readonly double[] _x0, _xt, _score, _upstream;
        private readonly double[][] _noise;
        private readonly double _a, _b;
        private int _calls;

        public Step(int l, int threads)
        {
            var lattice = new Lattice(2, l);
            _net = new NonlinearConvNetwork(lattice, 1, Spec, threads);
            _p = _net.CreateParameters();
            _gradient = _net.CreateParameters();
            _a = Math.Exp(-Time);
            _b = Math.Sqrt(-double.ExpM1(-2 * Time));
            var rng = new RandomStream(12, 0);
            _net.Initialize(_p, _a * _a + _b * _b, ref rng);
            _state = _adam.CreateState(_p);
            int size = Batch * _net.ConfigurationLength;
            _x0 = new double[size];
            rng.FillGaussian(_x0);
            _noise = Enumerable.Range(0, Pool).Select(_ => new double[size]).ToArray();
            foreach (var z in _noise) rng.FillGaussian(z);
            _xt = new double[size];
            _score = new double[size];
            _upstream = new double[size];
        }

        public void ForwardOnly() => _net.Forward(_p, _x0, Batch, _score);

        public void Run()
        {
            var z = _noise[_calls++ % Pool];
            for (int i = 0; i < _xt.Length; i++) _xt[i] = _a * _x0[i] + _b * z[i];
            _net.Forward(_p, _xt, Batch, _score);
            double scale = 2.0 / _xt.Length, inverse = 1 / _b;
            for (int i = 0; i < _xt.Length; i++) _upstream[i] = scale * (_score[i] + inverse * z[i]);
            _net.Backward(_p, _upstream, _gradient);
            _adam.Step(_p, _gradient, LearningRate, _state);
        }
    }

    /// <summary>100 Euler-Maruyama steps of the VP reverse SDE from N(0, 1), dtau = 1 / 100, batch 64.</summary>
    private sealed class Generation
    {
        private readonly NonlinearConvNetwork _net;
        private readonly NetworkParameters _p;
        private readonly double[] _y, _score, _noise;
        private RandomStream _rng = new(13, 0);

        public Generation(int l, int threads)
        {
            _net = new NonlinearConvNetwork(new Lattice(2, l), 1, Spec, threads);
            _p = _net.CreateParameters();
            _net.Initialize(_p, 1.0, ref _rng);
            _rng.FillGaussian(_p.Layers[2]); // a non-trivial K_out, as after training
            foreach (ref double w in _p.Layers[2].AsSpan()) w *= 0.05;
            int size = Batch * _net.ConfigurationLength;
            _y = new double[size];
            _score = new double[size];
            _noise = new double[size];
        }

        public void Run()
        {
            const double dtau = 1.0 / GenerationSteps;
            double diffusion = Math.Sqrt(2 * dtau);
            _rng.FillGaussian(_y);
            for (int step = 0; step < GenerationSteps; step++)
            {
                _net.Forward(_p, _y, Batch, _score);
                _rng.FillGaussian(_noise);
                for (int i = 0; i < _y.Length; i++) _y[i] += dtau * (_y[i] + 2 * _score[i]) + diffusion * _noise[i];
            }
        }
    }
}
