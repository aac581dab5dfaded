using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace CritDiff.Networks;

/// <summary>
/// Register-blocked kernels of the U-Net's C -> C convolutions on the wide/padded layouts of <see cref="ConvGeometry"/>,
/// four output channels at a time: every input vector loaded feeds four fused multiply-adds (one per output channel),
/// where <see cref="ConvKernels"/> feeds one. 512-bit vectors where the hardware has them, else 256-bit, else scalar.
/// Lengths are multiples of <see cref="ConvKernels.Block"/> (16); reads past a channel's last valid entry stay inside its
/// zero slack. The order of operations of every element is fixed, so results do not depend on threads.
/// </summary>
internal static class UNetKernels
{
    /// <summary>
    /// wide[q n + p] += sum_{i &lt; channels} sum_j weights[(i E + j) 4 + q] input[i stride + starts[j] + p] for the four
    /// outputs q and p &lt; n (E = starts.Length).
    /// </summary>
    public static void AccumulateFour(ReadOnlySpan<double> input, int stride, ReadOnlySpan<double> weights, int channels,
        ReadOnlySpan<int> starts, Span<double> wide, int n)
    {
        if (Vector512.IsHardwareAccelerated) AccumulateFour512(input, stride, weights, channels, starts, wide, n);
        else if (Vector256.IsHardwareAccelerated) AccumulateFour256(input, stride, weights, channels, starts, wide, n);
        else
        {
            int e = starts.Length;
            for (int q = 0; q < 4; q++)
                for (int i = 0; i < channels; i++)
                    for (int j = 0; j < e; j++)
                    {
                        double k = weights[(i * e + j) * 4 + q];
                        int offset = i * stride + starts[j];
                        for (int p = 0; p < n; p++) wide[q * n + p] += k * input[offset + p];
                    }
        }
    }

    /// <summary>
    /// gradient[q E + j] += sum_{p &lt; n} g[q gStride + p] input[starts[j] + p] for the four upstream arrays q and every
    /// offset j (g zero where it has no site).
    /// </summary>
    public static void CorrelateFour(ReadOnlySpan<double> g, int gStride, ReadOnlySpan<double> input, ReadOnlySpan<int> starts, int n,
        Span<double> gradient)
    {
        int e = starts.Length;
        if (!Vector512.IsHardwareAccelerated)
        {
            for (int q = 0; q < 4; q++) ConvKernels.Correlate(g.Slice(q * gStride, n), input, starts, gradient.Slice(q * e, e));
            return;
        }
        ref double g0 = ref MemoryMarshal.GetReference(g);
        ref double g1 = ref Unsafe.Add(ref g0, gStride);
        ref double g2 = ref Unsafe.Add(ref g0, 2 * gStride);
        ref double g3 = ref Unsafe.Add(ref g0, 3 * gStride);
        ref double src = ref MemoryMarshal.GetReference(input);
        for (int j = 0; j < e; j += 3)
        {
            // A short last group repeats its first offset; the repeats are discarded.
            ref double x0 = ref Unsafe.Add(ref src, starts[j]);
            ref double x1 = ref Unsafe.Add(ref src, starts[Math.Min(j + 1, e - 1)]);
            ref double x2 = ref Unsafe.Add(ref src, starts[Math.Min(j + 2, e - 1)]);
            Vector512<double> a00 = default, a01 = default, a02 = default, a10 = default, a11 = default, a12 = default;
            Vector512<double> a20 = default, a21 = default, a22 = default, a30 = default, a31 = default, a32 = default;
            for (int p = 0; p < n; p += 8)
            {
                var v0 = Vector512.LoadUnsafe(ref x0, (nuint)p);
                var v1 = Vector512.LoadUnsafe(ref x1, (nuint)p);
                var v2 = Vector512.LoadUnsafe(ref x2, (nuint)p);
                var u = Vector512.LoadUnsafe(ref g0, (nuint)p);
                a00 = Vector512.MultiplyAddEstimate(u, v0, a00);
                a01 = Vector512.MultiplyAddEstimate(u, v1, a01);
                a02 = Vector512.MultiplyAddEstimate(u, v2, a02);
                u = Vector512.LoadUnsafe(ref g1, (nuint)p);
                a10 = Vector512.MultiplyAddEstimate(u, v0, a10);
                a11 = Vector512.MultiplyAddEstimate(u, v1, a11);
                a12 = Vector512.MultiplyAddEstimate(u, v2, a12);
                u = Vector512.LoadUnsafe(ref g2, (nuint)p);
                a20 = Vector512.MultiplyAddEstimate(u, v0, a20);
                a21 = Vector512.MultiplyAddEstimate(u, v1, a21);
                a22 = Vector512.MultiplyAddEstimate(u, v2, a22);
                u = Vector512.LoadUnsafe(ref g3, (nuint)p);
                a30 = Vector512.MultiplyAddEstimate(u, v0, a30);
                a31 = Vector512.MultiplyAddEstimate(u, v1, a31);
                a32 = Vector512.MultiplyAddEstimate(u, v2, a32);
            }
            Add(gradient, e, j, a00, a01, a02, 0);
            Add(gradient, e, j, a10, a11, a12, 1);
            Add(gradient, e, j, a20, a21, a22, 2);
            Add(gradient, e, j, a30, a31, a32, 3);
        }
    }

    private static void Add(Span<double> gradient, int e, int j, Vector512<double> a0, Vector512<double> a1, Vector512<double> a2, int q)
    {
        gradient[q * e + j] += Vector512.Sum(a0);
        if (j + 1 < e) gradient[q * e + j + 1] += Vector512.Sum(a1);
        if (j + 2 < e) gradient[q * e + j + 2] += Vector512.Sum(a2);
    }

    private static void AccumulateFour512(ReadOnlySpan<double> input, int stride, ReadOnlySpan<double> weights, int channels,
        ReadOnlySpan<int> starts, Span<double> wide, int n)
    {
        int e = starts.Length;
        ref double src = ref MemoryMarshal.GetReference(input);
        ref double d0 = ref MemoryMarshal.GetReference(wide);
        ref double d1 = ref Unsafe.Add(ref d0, n);
        ref double d2 = ref Unsafe.Add(ref d0, 2 * n);
        ref double d3 = ref Unsafe.Add(ref d0, 3 * n);
        ref double w = ref MemoryMarshal.GetReference(weights);
        ref int s = ref MemoryMarshal.GetReference(starts);
        for (int p = 0; p < n; p += 16)
        {
            var a00 = Vector512.LoadUnsafe(ref d0, (nuint)p);
            var a01 = Vector512.LoadUnsafe(ref d0, (nuint)(p + 8));
            var a10 = Vector512.LoadUnsafe(ref d1, (nuint)p);
            var a11 = Vector512.LoadUnsafe(ref d1, (nuint)(p + 8));
            var a20 = Vector512.LoadUnsafe(ref d2, (nuint)p);
            var a21 = Vector512.LoadUnsafe(ref d2, (nuint)(p + 8));
            var a30 = Vector512.LoadUnsafe(ref d3, (nuint)p);
            var a31 = Vector512.LoadUnsafe(ref d3, (nuint)(p + 8));
            ref double k = ref w;
            for (int i = 0; i < channels; i++)
            {
                ref double channel = ref Unsafe.Add(ref src, i * stride + p);
                for (int j = 0; j < e; j++)
                {
                    ref double x = ref Unsafe.Add(ref channel, Unsafe.Add(ref s, j));
                    var x0 = Vector512.LoadUnsafe(ref x);
                    var x1 = Vector512.LoadUnsafe(ref x, 8);
                    var k0 = Vector512.Create(k);
                    a00 = Vector512.MultiplyAddEstimate(x0, k0, a00);
                    a01 = Vector512.MultiplyAddEstimate(x1, k0, a01);
                    var k1 = Vector512.Create(Unsafe.Add(ref k, 1));
                    a10 = Vector512.MultiplyAddEstimate(x0, k1, a10);
                    a11 = Vector512.MultiplyAddEstimate(x1, k1, a11);
                    var k2 = Vector512.Create(Unsafe.Add(ref k, 2));
                    a20 = Vector512.MultiplyAddEstimate(x0, k2, a20);
                    a21 = Vector512.MultiplyAddEstimate(x1, k2, a21);
                    var k3 = Vector512.Create(Unsafe.Add(ref k, 3));
                    a30 = Vector512.MultiplyAddEstimate(x0, k3, a30);
                    a31 = Vector512.MultiplyAddEstimate(x1, k3, a31);
                    k = ref Unsafe.Add(ref k, 4);
                }
            }
            a00.StoreUnsafe(ref d0, (nuint)p);
            a01.StoreUnsafe(ref d0, (nuint)(p + 8));
            a10.StoreUnsafe(ref d1, (nuint)p);
            a11.StoreUnsafe(ref d1, (nuint)(p + 8));
            a20.StoreUnsafe(ref d2, (nuint)p);
            a21.StoreUnsafe(ref d2, (nuint)(p + 8));
            a30.StoreUnsafe(ref d3, (nuint)p);
            a31.StoreUnsafe(ref d3, (nuint)(p + 8));
        }
    }

    private static void AccumulateFour256(ReadOnlySpan<double> input, int stride, ReadOnlySpan<double> weights, int channels,
        ReadOnlySpan<int> starts, Span<double> wide, int n)
    {
        int e = starts.Length;
        ref double src = ref MemoryMarshal.GetReference(input);
        ref double d0 = ref MemoryMarshal.GetReference(wide);
        ref double d1 = ref Unsafe.Add(ref d0, n);
        ref double d2 = ref Unsafe.Add(ref d0, 2 * n);
        ref double d3 = ref Unsafe.Add(ref d0, 3 * n);
        ref double w = ref MemoryMarshal.GetReference(weights);
        ref int s = ref MemoryMarshal.GetReference(starts);
        for (int p = 0; p < n; p += 8)
        {
            var a00 = Vector256.LoadUnsafe(ref d0, (nuint)p);
            var a01 = Vector256.LoadUnsafe(ref d0, (nuint)(p + 4));
            var a10 = Vector256.LoadUnsafe(ref d1, (nuint)p);
            var a11 = Vector256.LoadUnsafe(ref d1, (nuint)(p + 4));
            var a20 = Vector256.LoadUnsafe(ref d2, (nuint)p);
            var a21 = Vector256.LoadUnsafe(ref d2, (nuint)(p + 4));
            var a30 = Vector256.LoadUnsafe(ref d3, (nuint)p);
            var a31 = Vector256.LoadUnsafe(ref d3, (nuint)(p + 4));
            ref double k = ref w;
            for (int i = 0; i < channels; i++)
            {
                ref double channel = ref Unsafe.Add(ref src, i * stride + p);
                for (int j = 0; j < e; j++)
                {
                    ref double x = ref Unsafe.Add(ref channel, Unsafe.Add(ref s, j));
                    var x0 = Vector256.LoadUnsafe(ref x);
                    var x1 = Vector256.LoadUnsafe(ref x, 4);
                    var k0 = Vector256.Create(k);
                    a00 = Vector256.MultiplyAddEstimate(x0, k0, a00);
                    a01 = Vector256.MultiplyAddEstimate(x1, k0, a01);
                    var k1 = Vector256.Create(Unsafe.Add(ref k, 1));
                    a10 = Vector256.MultiplyAddEstimate(x0, k1, a10);
                    a11 = Vector256.MultiplyAddEstimate(x1, k1, a11);
                    var k2 = Vector256.Create(Unsafe.Add(ref k, 2));
                    a20 = Vector256.MultiplyAddEstimate(x0, k2, a20);
                    a21 = Vector256.MultiplyAddEstimate(x1, k2, a21);
                    var k3 = Vector256.Create(Unsafe.Add(ref k, 3));
                    a30 = Vector256.MultiplyAddEstimate(x0, k3, a30);
                    a31 = Vector256.MultiplyAddEstimate(x1, k3, a31);
                    k = ref Unsafe.Add(ref k, 4);
                }
            }
            a00.StoreUnsafe(ref d0, (nuint)p);
            a01.StoreUnsafe(ref d0, (nuint)(p + 4));
            a10.StoreUnsafe(ref d1, (nuint)p);
            a11.StoreUnsafe(ref d1, (nuint)(p + 4));
            a20.StoreUnsafe(ref d2, (nuint)p);
            a21.StoreUnsafe(ref d2, (nuint)(p + 4));
            a30.StoreUnsafe(ref d3, (nuint)p);
            a31.StoreUnsafe(ref d3, (nuint)(p + 4));
        }
    }
}
