using System.Globalization;
using System.Numerics;
using CritDiff.Lattices;
using MathNet.Numerics.IntegralTransforms;

namespace CritDiff.Benchmarks;

/// <summary>
/// Time per unitary d-dimensional transform, one thread, at d = 2, L = 256 and d = 3, L = 64 (the sizes of issue 14):
/// the real forward transform <see cref="FourierTransform.ForwardReal"/> (full Hermitian spectrum out), the complex
/// <see cref="FourierTransform.Forward"/>, and the old path (every line through Math.NET's managed FFT, one
/// complex transform of the real field), all in this run; then FFTW's r2c plan (FFTW_MEASURE, half spectrum)
/// from bench/c/fft_fftw.c when gcc and libfftw3-dev are present. Prints a table and one JSON line.
/// </summary>
public static class FftThroughput
{
    public static void Run(int repeats)
    {
        string? fftw = NativeReference.Compile("fft_fftw.c", libraries: "-lfftw3");
        Console.WriteLine(fftw is null ? "FFTW reference: not available (needs gcc and libfftw3-dev)" : $"FFTW reference: {fftw}");
        Console.WriteLine($"{"size",-10} {"real us",10} {"complex us",11} {"MathNet us",11} {"FFTW r2c us",12} {"MathNet/real",13} {"real/FFTW",10}");
        var results = new List<string>();
        foreach (var (d, l) in new[] { (2, 256), (3, 64) })
        {
            var lattice = new Lattice(d, l);
            var fourier = new FourierTransform(lattice);
            int v = lattice.SiteCount;
            var rng = new Random(1);
            var field = new double[v];
            for (int i = 0; i < v; i++) field[i] = rng.NextDouble() - 0.5;
            var spectrum = new Complex[v];
            var complex = new Complex[v];
            int inner = Math.Max(1, (1 << 22) / v);
            double real = QuickModes.MedianSeconds(repeats, () => { for (int r = 0; r < inner; r++) fourier.ForwardReal(field, spectrum); }) / inner;
            double full = QuickModes.MedianSeconds(repeats, () =>
            {
                for (int r = 0; r < inner; r++)
                {
                    for (int i = 0; i < v; i++) complex[i] = field[i];
                    fourier.Forward(complex);
                }
            }) / inner;
            double mathNet = QuickModes.MedianSeconds(Math.Max(3, repeats / 2), () =>
            {
                for (int i = 0; i < v; i++) complex[i] = field[i];
                MathNetForward(lattice, complex);
            });
            double? native = null;
            if (fftw is not null)
            {
                var times = new double[repeats];
                for (int r = 0; r < repeats; r++)
                    times[r] = double.Parse(NativeReference.Field(NativeReference.Run(fftw, $"{d} {l} 0.5"), "seconds_per_transform"), CultureInfo.InvariantCulture);
                Array.Sort(times);
                native = times[repeats / 2];
            }
            double? ratio = real / native;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"d={d} L={l,-4} {real * 1e6,10:F1} {full * 1e6,11:F1} {mathNet * 1e6,11:F1} {(native * 1e6)?.ToString("F1", CultureInfo.InvariantCulture) ?? "-",12} {mathNet / real,13:F1} {ratio?.ToString("F2", CultureInfo.InvariantCulture) ?? "-",10}"));
            results.Add(string.Create(CultureInfo.InvariantCulture,
                $"{{\"d\": {d}, \"L\": {l}, \"real_forward_s\": {real:E4}, \"complex_forward_s\": {full:E4}, \"mathnet_lines_s\": {mathNet:E4}, " +
                $"\"fftw_r2c_s\": {(native is { } n ? n.ToString("E4", CultureInfo.InvariantCulture) : "null")}, " +
                $"\"real_over_fftw\": {(ratio is { } q ? q.ToString("F3", CultureInfo.InvariantCulture) : "null")}}}"));
        }
        foreach (int n in new[] { 64, 256 })
        {
            var plan = new FftPlan(n);
            var line = new Complex[n];
            var scratch = new Complex[plan.ScratchLength];
            for (int i = 0; i < n; i++) line[i] = new Complex(i % 7, i % 3);
            int inner = (1 << 20) / n;
            double t = QuickModes.MedianSeconds(repeats, () => { for (int r = 0; r < inner; r++) plan.Forward(line, scratch); }) / inner;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"1-D complex FftPlan n = {n}: {t * 1e9:F0} ns per line"));
            results.Add(string.Create(CultureInfo.InvariantCulture, $"{{\"plan_length\": {n}, \"plan_forward_s\": {t:E4}}}"));
        }
        if (fftw is not null) File.Delete(fftw);
        Console.WriteLine($"{{\"mode\": \"fft\", \"repeats\": {repeats}, \"results\": [{string.Join(", ", results)}]}}");
    }

    /// <summary>The transform as it was before FftPlan: each line copied out and through Math.NET (symmetric scaling per line).</summary>
    private static void MathNetForward(Lattice lattice, Complex[] field)
    {
        int length = lattice.Length, lineCount = lattice.SiteCount / length;
        var line = new Complex[length];
        for (int axis = 0; axis < lattice.Dimension; axis++)
        {
            int stride = lattice.Stride(axis);
            for (int l = 0; l < lineCount; l++)
            {
                int start = l / stride * stride * length + l % stride;
                for (int n = 0; n < length; n++) line[n] = field[start + n * stride];
                Fourier.Forward(line, FourierOptions.Default);
                for (int n = 0; n < length; n++) field[start + n * stride] = line[n];
            }
        }
    }
}
