using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace CritDiff.Networks;

/// <summary>
/// Register-blocked span kernels for the direct convolutions of <see cref="ConvPass"/>, on the wide/padded layouts
/// of <see cref="ConvGeometry"/>. Lengths are multiples of <see cref="Block"/>; inputs carry enough zero slack after
/// each channel that reads past the last valid entry stay inside the array and finite. Each output block keeps its
/// accumulators in registers over all (channel, offset) pairs, so it is loaded and stored once instead of once per
/// pair (as a chain of MultiplyAdd calls would), and every input load feeds one fused multiply-add.
/// Results are deterministic: a fixed order of operations for every element, independent of threads.
/// </summary>
internal static class ConvKernels
{
    /// <summary>Doubles per block: four 256-bit vectors.</summary>
    public const int Block = 16;

    /// <summary>
    /// wide[p] += sum_{c &lt; channels} sum_e weights[c E + e] input[c stride + starts[e] + p] for p &lt; wide.Length.
    /// </summary>
    public static void Accumulate(ReadOnlySpan<double> input, int stride, ReadOnlySpan<double> weights, int channels,
        ReadOnlySpan<int> starts, Span<double> wide)
    {
        int e = starts.Length, n = wide.Length;
        ref double src = ref MemoryMarshal.GetReference(input);
        ref double dst = ref MemoryMarshal.GetReference(wide);
        ref double w = ref MemoryMarshal.GetReference(weights);
        ref int s = ref MemoryMarshal.GetReference(starts);
        if (!Vector256.IsHardwareAccelerated)
        {
            for (int c = 0; c < channels; c++)
                for (int j = 0; j < e; j++)
                {
                    double k = Unsafe.Add(ref w, c * e + j);
                    int offset = c * stride + Unsafe.Add(ref s, j);
                    for (int p = 0; p < n; p++) Unsafe.Add(ref dst, p) += k * Unsafe.Add(ref src, offset + p);
                }
            return;
        }
        for (int p = 0; p < n; p += Block)
        {
            var a0 = Vector256.LoadUnsafe(ref dst, (nuint)p);
            var a1 = Vector256.LoadUnsafe(ref dst, (nuint)(p + 4));
            var a2 = Vector256.LoadUnsafe(ref dst, (nuint)(p + 8));
            var a3 = Vector256.LoadUnsafe(ref dst, (nuint)(p + 12));
            for (int c = 0; c < channels; c++)
            {
                ref double channel = ref Unsafe.Add(ref src, c * stride + p);
                ref double kernel = ref Unsafe.Add(ref w, c * e);
                for (int j = 0; j < e; j++)
                {
                    var k = Vector256.Create(Unsafe.Add(ref kernel, j));
                    ref double x = ref Unsafe.Add(ref channel, Unsafe.Add(ref s, j));
                    a0 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref x), k, a0);
                    a1 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref x, 4), k, a1);
                    a2 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref x, 8), k, a2);
                    a3 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref x, 12), k, a3);
                }
            }
            a0.StoreUnsafe(ref dst, (nuint)p);
            a1.StoreUnsafe(ref dst, (nuint)(p + 4));
            a2.StoreUnsafe(ref dst, (nuint)(p + 8));
            a3.StoreUnsafe(ref dst, (nuint)(p + 12));
        }
    }

    /// <summary>
    /// gradient[e] += sum_{p &lt; g.Length} g[p] input[starts[e] + p] for every offset e (g zero where it has no
    /// site), three offsets per pass over g.
    /// </summary>
    public static void Correlate(ReadOnlySpan<double> g, ReadOnlySpan<double> input, ReadOnlySpan<int> starts, Span<double> gradient)
    {
        int e = starts.Length, n = g.Length;
        ref double gRef = ref MemoryMarshal.GetReference(g);
        ref double src = ref MemoryMarshal.GetReference(input);
        if (!Vector256.IsHardwareAccelerated)
        {
            for (int j = 0; j < e; j++)
            {
                double sum = 0;
                for (int p = 0; p < n; p++) sum += Unsafe.Add(ref gRef, p) * Unsafe.Add(ref src, starts[j] + p);
                gradient[j] += sum;
            }
            return;
        }
        for (int j = 0; j < e; j += 3)
        {
            // A short last group repeats its first offset; the repeats are discarded.
            int s0 = starts[j], s1 = starts[Math.Min(j + 1, e - 1)], s2 = starts[Math.Min(j + 2, e - 1)];
            ref double x0 = ref Unsafe.Add(ref src, s0);
            ref double x1 = ref Unsafe.Add(ref src, s1);
            ref double x2 = ref Unsafe.Add(ref src, s2);
            Vector256<double> a0 = default, b0 = default, a1 = default, b1 = default, a2 = default, b2 = default;
            for (int p = 0; p < n; p += 8)
            {
                var gLow = Vector256.LoadUnsafe(ref gRef, (nuint)p);
                var gHigh = Vector256.LoadUnsafe(ref gRef, (nuint)(p + 4));
                a0 = Vector256.MultiplyAddEstimate(gLow, Vector256.LoadUnsafe(ref x0, (nuint)p), a0);
                b0 = Vector256.MultiplyAddEstimate(gHigh, Vector256.LoadUnsafe(ref x0, (nuint)(p + 4)), b0);
                a1 = Vector256.MultiplyAddEstimate(gLow, Vector256.LoadUnsafe(ref x1, (nuint)p), a1);
                b1 = Vector256.MultiplyAddEstimate(gHigh, Vector256.LoadUnsafe(ref x1, (nuint)(p + 4)), b1);
                a2 = Vector256.MultiplyAddEstimate(gLow, Vector256.LoadUnsafe(ref x2, (nuint)p), a2);
                b2 = Vector256.MultiplyAddEstimate(gHigh, Vector256.LoadUnsafe(ref x2, (nuint)(p + 4)), b2);
            }
            gradient[j] += Vector256.Sum(a0 + b0);
            if (j + 1 < e) gradient[j + 1] += Vector256.Sum(a1 + b1);
            if (j + 2 < e) gradient[j + 2] += Vector256.Sum(a2 + b2);
        }
    }
}
