using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CritDiff.Lattices;
using CritDiff.Networks;
using CritDiff.Statistics;
using CritDiff.Training;

namespace CritDiff.Benchmarks;

/// <summary>
/// Quick mode "unet-step" (issue 22): one DSM training step and one generation step of the time-conditioned U-Net
/// unet:32:3 (n = 1, d = 2, batch 64) at L = 32 and 64, at 1 and 2 threads, in GFLOP/s against the cores' peak FMA
/// throughput and against the PyTorch peer bench/torch/unet_step.py (float32 and float64, 1 and 2 threads).
/// <list type="bullet">
/// <item>Training step (VE with a noise range, t per sample): sigma = sigma_min (sigma_max / sigma_min)^t, sigma_min = 0.01,
/// sigma_max = 10; x_t = x0 + sigma z; net(x_t, log sigma) forward; upstream 2 (net + z) / (B V), the gradient of the
/// b^2-weighted loss mean sigma^2 |net / sigma + z / sigma|^2; backward; Adam (lr 1e-3). z and t cycle through a pool of 4
/// pre-drawn batches (the generator is not timed), as in the peer.</item>
/// <item>Generation step: one Euler-Maruyama step of the VE reverse SDE at t = 0.5 on the batch, y + g^2 dt net / sigma +
/// sqrt(g^2 dt) xi with g^2 = 2 sigma^2 ln(sigma_max / sigma_min), dt = 0.01.</item>
/// <item>FLOPs (multiply-add = 2) per sample and forward pass: 2 * 9 * C^2 * V_l for each C -> C convolution at
/// V_l = V / 4^l (4 per level, 2 in the bottleneck) plus 2 * 2 * 9 * n * C * V for the lift and the output; a training
/// step counts 3 forward passes (backward ~ 2x forward). Only the convolutions are counted, so GFLOP/s of a whole step
/// are a lower bound on the convolution kernels' rate.</item>
/// <item>Peak: bench/c/fma_peak.c (gcc -O3 -march=native -pthread): 16 independent FMA chains per thread on 256-bit (AVX2)
/// and, where the CPU has it, 512-bit (AVX-512) vectors, at 1 and 2 threads; GFLOP/s over wall time and per second of
/// CPU time (one core's rate while it runs: the figure that survives other jobs on a shared machine).</item>
/// <item>PyTorch: unless --no-torch, when /usr/bin/python3 imports torch, the peer runs after each L's C# timings (glibc
/// allocator kept from returning memory, its fastest setting here; the process's own environment otherwise, e.g. an
/// LD_LIBRARY_PATH to OpenBLAS for float64). Ratios: PyTorch's best wall time over thread counts / CritDiff's best, and
/// one thread's CPU time against one thread's.</item>
/// </list>
/// Options after the mode: --repeats N (default 7), --lengths 32,64, --no-torch, --torch-dtype float32,float64.
/// Prints a table of medians and one JSON line.
/// </summary>
public static class UnetStepTimes
{
    private const int Batch = 64, Pool = 4, Channels = 32, Levels = 3;
    private const double SigmaMin = 0.01, SigmaMax = 10, LearningRate = 1e-3, GenerationTime = 0.5, Dt = 0.01;
    private static readonly string Arch = string.Create(CultureInfo.InvariantCulture, $"unet:{Channels}:{Levels}");

    public static void Run(int repeats)
    {
        string[] args = Environment.GetCommandLineArgs();
        int[] lengths = Option(args, "--lengths") is { } text
            ? text.Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray()
            : [32, 64];
        var peaks = Peaks();
        foreach (var ((width, threads), (wall, cpu)) in peaks)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"peak FMA {width}-bit, {threads} thread(s): {wall:F1} GFLOP/s wall, {cpu:F1} GFLOP per CPU second"));
        // the hardware's peak (the widest vectors): per core from CPU time, over two threads from wall time
        double? corePeak = peaks.Count == 0 ? null : peaks.Where(p => p.Key.Threads == 1).Max(p => p.Value.Cpu);
        double? wallPeak2 = peaks.Count == 0 ? null : peaks.Where(p => p.Key.Threads == 2).Max(p => p.Value.Wall);
        bool torch = !args.Contains("--no-torch") && TorchAvailable();
        Console.WriteLine(torch ? "PyTorch peer: bench/torch/unet_step.py" : "PyTorch peer: not run (--no-torch, or /usr/bin/python3 cannot import torch)");
        bool available = UnetAvailable();
        if (!available) Console.WriteLine($"{Arch}: not in this build (NetworkCatalog does not know it); peak and PyTorch only");
        var json = new List<string>();
        Console.WriteLine("GFLOP/s: FLOPs / wall time; per CPU s: FLOPs / process CPU time (one core's rate while it runs); % core: of one core's peak per CPU s");
        Console.WriteLine($"{"who",-13} {"what",-14} {"L",3} {"thr",3} {"wall ms",9} {"cpu ms",9} {"GFLOP/s",8} {"per CPU s",9} {"% core",7}");
        foreach (int l in lengths)
        {
            double forwardFlops = ForwardFlops(l) * Batch;
            var rows = new Dictionary<(string Who, string What, int Threads), (double Wall, double Cpu)>();
            foreach (int threads in available ? new[] { 1, 2 } : [])
            {
                var step = new Step(l, threads);
                rows[("critdiff", "train-step", threads)] = CallTimer.PerCallMs(repeats, 1.0, step.Train);
                rows[("critdiff", "generate-step", threads)] = CallTimer.PerCallMs(repeats, 1.0, step.Generate);
            }
            if (torch)
                foreach (var (key, value) in TorchMs(l, repeats, Option(args, "--torch-dtype") ?? "float32,float64")) rows[key] = value;
            foreach (var ((who, what, threads), (wall, cpu)) in rows)
            {
                double flops = (what == "train-step" ? 3 : 1) * forwardFlops;
                double gflops = flops / (wall * 1e-3) * 1e-9, perCpu = flops / (cpu * 1e-3) * 1e-9;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{who,-13} {what,-14} {l,3} {threads,3} {wall,9:F2} {cpu,9:F2} {gflops,8:F2} {perCpu,9:F2} {Format(100 * perCpu / corePeak, "F1"),7}"));
                json.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{{\"implementation\": \"{who}\", \"what\": \"{what}\", \"L\": {l}, \"threads\": {threads}, \"ms_per_step\": {wall:F4}, " +
                    $"\"cpu_ms_per_step\": {cpu:F4}, \"flops_per_step\": {flops:F0}, \"gflops\": {gflops:F3}, \"gflops_per_cpu_second\": {perCpu:F3}, " +
                    $"\"percent_of_core_peak\": {Format(100 * perCpu / corePeak, "F2", "null")}, \"percent_of_two_core_peak\": {Format(100 * gflops / wallPeak2, "F2", "null")}}}"));
            }
            foreach (string what in available ? new[] { "train-step", "generate-step" } : [])
            {
                double best = Math.Min(rows[("critdiff", what, 1)].Wall, rows[("critdiff", what, 2)].Wall);
                double cpu1 = rows[("critdiff", what, 1)].Cpu;
                foreach (string peer in new[] { "torch-float32", "torch-float64" })
                {
                    var theirs = rows.Where(r => r.Key.Who == peer && r.Key.What == what).ToList();
                    if (theirs.Count == 0) continue;
                    double theirBest = theirs.Min(r => r.Value.Wall);
                    double? theirCpu1 = theirs.Where(r => r.Key.Threads == 1).Select(r => (double?)r.Value.Cpu).FirstOrDefault();
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"ratio {what} L = {l}: {peer} best wall {theirBest:F2} ms / CritDiff best {best:F2} ms = {theirBest / best:F2}x; " +
                        $"1 thread CPU {Format(theirCpu1, "F2")} / {cpu1:F2} ms = {Format(theirCpu1 / cpu1, "F2")}x"));
                    json.Add(string.Create(CultureInfo.InvariantCulture,
                        $"{{\"what\": \"{what}\", \"L\": {l}, \"peer\": \"{peer}\", \"ratio_best_wall\": {theirBest / best:F3}, " +
                        $"\"ratio_one_thread_cpu\": {Format(theirCpu1 / cpu1, "F3", "null")}}}"));
                }
            }
        }
        string peakJson = string.Join(", ", peaks.Select(p => string.Create(CultureInfo.InvariantCulture,
            $"\"fma{p.Key.Width}_{p.Key.Threads}t\": {{\"gflops\": {p.Value.Wall:F2}, \"gflops_per_cpu_second\": {p.Value.Cpu:F2}}}")));
        Console.WriteLine("{\"implementation\": \"critdiff\", \"bench\": \"unet-step\", \"arch\": \"" + Arch + "\", \"d\": 2, \"batch\": " + Batch +
                          ", \"repeats\": " + repeats + ", \"peak\": {" + peakJson + "}, \"results\": [" + string.Join(", ", json) + "]}");
    }

    /// <summary>FLOPs of one forward pass per sample (convolutions only), d = 2, n = 1.</summary>
    public static double ForwardFlops(int l)
    {
        double volume = (double)l * l, total = 2.0 * 2 * 9 * Channels * volume;
        for (int level = 0; level < Levels; level++) total += 4.0 * 2 * 9 * Channels * Channels * volume / (1 << (2 * level));
        return total + 2.0 * 2 * 9 * Channels * Channels * volume / (1 << (2 * Levels));
    }

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static string Format(double? value, string format, string missing = "-") =>
        value?.ToString(format, CultureInfo.InvariantCulture) ?? missing;

    /// <summary>
    /// bench/c/fma_peak.c per (width 256 or 512, threads 1 or 2): GFLOP/s over wall time and per CPU second, medians of 3
    /// runs of 1 s.
    /// </summary>
    private static Dictionary<(int Width, int Threads), (double Wall, double Cpu)> Peaks()
    {
        var peaks = new Dictionary<(int, int), (double, double)>();
        string? executable = NativeReference.Compile("fma_peak.c", "-pthread");
        if (executable is null)
        {
            Console.WriteLine("peak: not measured (needs gcc and bench/c/fma_peak.c)");
            return peaks;
        }
        foreach (int width in new[] { 256, 512 })
            foreach (int threads in new[] { 1, 2 })
            {
                try
                {
                    var runs = Enumerable.Range(0, 3).Select(_ => NativeReference.Run(executable,
                        string.Create(CultureInfo.InvariantCulture, $"{threads} {width} 1"))).ToArray();
                    double Median(string field) =>
                        runs.Select(r => double.Parse(NativeReference.Field(r, field), CultureInfo.InvariantCulture)).Order().ElementAt(1);
                    peaks[(width, threads)] = (Median("gflops"), Median("cpu_gflops"));
                }
                catch (InvalidOperationException)
                {
                    // no AVX-512 on this CPU
                }
            }
        File.Delete(executable);
        return peaks;
    }

    private static bool UnetAvailable()
    {
        try
        {
            return NetworkCatalog.Parse(Arch).IsTimeConditioned;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static bool TorchAvailable()
    {
        try
        {
            NativeReference.Run("/usr/bin/python3", "-c \"import torch\"");
            return Find("bench/torch/unet_step.py") is not null;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>The peer's medians at side <paramref name="l"/>: ("torch-" + dtype, what, threads) -> (wall ms, CPU ms).</summary>
    private static Dictionary<(string, string, int), (double, double)> TorchMs(int l, int repeats, string dtypes)
    {
        var info = new ProcessStartInfo("/usr/bin/python3",
            string.Create(CultureInfo.InvariantCulture, $"\"{Find("bench/torch/unet_step.py")}\" --lengths {l} --repeats {repeats} --dtype {dtypes}"))
        { RedirectStandardOutput = true, RedirectStandardError = true };
        info.Environment["MALLOC_MMAP_THRESHOLD_"] = "4294967296";
        info.Environment["MALLOC_TRIM_THRESHOLD_"] = "68719476736";
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start python3");
        var stderr = process.StandardError.ReadToEndAsync();
        var result = new Dictionary<(string, string, int), (double, double)>();
        while (process.StandardOutput.ReadLine() is { } line)
        {
            if (!line.StartsWith('{')) continue;
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            result[("torch-" + root.GetProperty("dtype").GetString(), root.GetProperty("what").GetString()!, root.GetProperty("threads").GetInt32())] =
                (root.GetProperty("ms_per_step").GetDouble(), root.GetProperty("cpu_ms_per_step").GetDouble());
        }
        process.WaitForExit();
        if (process.ExitCode != 0) Console.WriteLine($"PyTorch peer failed: {stderr.Result}");
        return result;
    }

    private static string? Find(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>The network, its parameters, Adam, data, the noise pool and the generation state at one L and thread count.</summary>
    private sealed class Step
    {
        private readonly TimeConditionedModel _net;
        private readonly NetworkParameters _p, _gradient;
        private readonly Adam _adam = new();
        private readonly OptimizerState _state;
        private readonly double[] _x0, _xt, _output, _upstream, _y, _generationCondition;
        private readonly double[][] _noise, _sigma, _condition;
        private readonly double _generationSigma, _g2;
        private int _calls;

        public Step(int l, int threads)
        {
            var lattice = new Lattice(2, l);
            _net = (TimeConditionedModel)NetworkCatalog.Parse(Arch).Create(lattice, 1, threads);
            _p = _net.CreateParameters();
            _gradient = _net.CreateParameters();
            var rng = new RandomStream(12, 0);
            _net.Initialize(_p, 1 + SigmaMax * SigmaMax, ref rng);
            // a non-trivial output layer, as after training (a zero-initialised one would not change the work)
            foreach (var layer in _p.Layers)
                if (layer.AsSpan().IndexOfAnyExcept(0.0) < 0)
                {
                    rng.FillGaussian(layer);
                    foreach (ref double w in layer.AsSpan()) w *= 0.05;
                }
            _state = _adam.CreateState(_p);
            int size = Batch * _net.ConfigurationLength;
            _x0 = new double[size];
            rng.FillGaussian(_x0);
            _noise = Enumerable.Range(0, Pool).Select(_ => new double[size]).ToArray();
            foreach (var z in _noise) rng.FillGaussian(z);
            _sigma = new double[Pool][];
            _condition = new double[Pool][];
            for (int k = 0; k < Pool; k++)
            {
                _sigma[k] = new double[Batch];
                _condition[k] = new double[Batch];
                for (int i = 0; i < Batch; i++)
                {
                    _sigma[k][i] = SigmaMin * Math.Pow(SigmaMax / SigmaMin, rng.NextDouble());
                    _condition[k][i] = Math.Log(_sigma[k][i]);
                }
            }
            _xt = new double[size];
            _output = new double[size];
            _upstream = new double[size];
            _generationSigma = SigmaMin * Math.Pow(SigmaMax / SigmaMin, GenerationTime);
            _g2 = 2 * _generationSigma * _generationSigma * Math.Log(SigmaMax / SigmaMin);
            _generationCondition = Enumerable.Repeat(Math.Log(_generationSigma), Batch).ToArray();
            _y = new double[size];
            rng.FillGaussian(_y);
            foreach (ref double v in _y.AsSpan()) v *= _generationSigma;
        }

        /// <summary>One DSM step: forward, upstream 2 (net + z) / (B V), backward, Adam.</summary>
        public void Train()
        {
            int k = _calls++ % Pool;
            var z = _noise[k];
            var sigma = _sigma[k];
            int width = _net.ConfigurationLength;
            for (int i = 0; i < Batch; i++)
                for (int j = i * width; j < (i + 1) * width; j++) _xt[j] = _x0[j] + sigma[i] * z[j];
            _net.Forward(_p, _xt, _condition[k], Batch, _output);
            double scale = 2.0 / _xt.Length;
            for (int i = 0; i < _xt.Length; i++) _upstream[i] = scale * (_output[i] + z[i]);
            _net.Backward(_p, _upstream, _gradient);
            _adam.Step(_p, _gradient, LearningRate, _state);
        }

        /// <summary>One Euler-Maruyama step of the reverse VE SDE from the same y (a step's cost, not a trajectory).</summary>
        public void Generate()
        {
            var xi = _noise[_calls++ % Pool];
            _net.Forward(_p, _y, _generationCondition, Batch, _output);
            double drift = _g2 * Dt / _generationSigma, diffusion = Math.Sqrt(_g2 * Dt);
            for (int i = 0; i < _y.Length; i++) _upstream[i] = _y[i] + drift * _output[i] + diffusion * xi[i];
        }
    }
}
