using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CritDiff.Lattices;

// Radix 2, 3, 4 and 5 passes run on a batch of `width` lines at once (SIMD across lines): element e of every line sits
// at e * width + t (t < width, even), so each butterfly is the same arithmetic on Vector256 pairs of lines with one
// twiddle broadcast. This is how strided axes are transformed: a block of neighbouring lines is copied row by row
// into this layout, without a transpose. Needs AVX2/FMA3; other radices and machines take the line-by-line path.
internal sealed partial class FftStage
{
    /// <summary>True when <see cref="ApplyBatch"/> can run this stage here.</summary>
    public bool SupportsBatch => Fma.IsSupported && Avx.IsSupported && Radix is 2 or 3 or 4 or 5;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Load(ref Complex c) => Unsafe.As<Complex, Vector256<double>>(ref c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(ref Complex c, Vector256<double> v) => Unsafe.As<Complex, Vector256<double>>(ref c) = v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Swap(Vector256<double> a) => Avx.Permute(a, 0b0101);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> CMul(Vector256<double> a, Vector256<double> wr, Vector256<double> wi) =>
        Fma.MultiplyAddSubtract(a, wr, Swap(a) * wi);

    /// <summary>The stage on <paramref name="width"/> interleaved lines (width even): cc and ch hold n x width values.</summary>
    public void ApplyBatch(Span<Complex> cc, Span<Complex> ch, int width, bool inverse)
    {
        var tw = inverse ? _inverseTwiddles : _forwardTwiddles;
        double sign = inverse ? 1 : -1;
        var rotate = Vector256.Create(-sign, sign, -sign, sign);
        ref Complex src = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(cc);
        ref Complex dst = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(ch);
        switch (Radix)
        {
            case 4: Pass4Batch(ref src, ref dst, tw, width, rotate); break;
            case 2: Pass2Batch(ref src, ref dst, tw, width); break;
            case 3: Pass3Batch(ref src, ref dst, tw, width, rotate); break;
            default: Pass5Batch(ref src, ref dst, tw, width, rotate); break;
        }
    }

    private void Pass2Batch(ref Complex cc, ref Complex ch, Complex[] tw, int width)
    {
        int ido = Ido, l1 = L1, os = ido * l1 * width, step = ido * width;
        for (int k = 0; k < l1; k++)
            for (int i = 0; i < ido; i++)
            {
                var wr = Vector256.Create(tw[i].Real);
                var wi = Vector256.Create(tw[i].Imaginary);
                ref Complex a = ref Unsafe.Add(ref cc, (i + 2 * ido * k) * width);
                ref Complex y = ref Unsafe.Add(ref ch, (i + ido * k) * width);
                for (int t = 0; t < width; t += 2)
                {
                    var a0 = Load(ref Unsafe.Add(ref a, t));
                    var a1 = Load(ref Unsafe.Add(ref a, t + step));
                    Store(ref Unsafe.Add(ref y, t), a0 + a1);
                    Store(ref Unsafe.Add(ref y, t + os), ido == 1 ? a0 - a1 : CMul(a0 - a1, wr, wi));
                }
            }
    }

    private void Pass4Batch(ref Complex cc, ref Complex ch, Complex[] tw, int width, Vector256<double> rotate)
    {
        int ido = Ido, l1 = L1, os = ido * l1 * width, step = ido * width;
        for (int k = 0; k < l1; k++)
            for (int i = 0; i < ido; i++)
            {
                ref Complex w1 = ref Unsafe.Add(ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(tw), i);
                var w1r = Vector256.Create(w1.Real);
                var w1i = Vector256.Create(w1.Imaginary);
                var w2r = Vector256.Create(Unsafe.Add(ref w1, ido).Real);
                var w2i = Vector256.Create(Unsafe.Add(ref w1, ido).Imaginary);
                var w3r = Vector256.Create(Unsafe.Add(ref w1, 2 * ido).Real);
                var w3i = Vector256.Create(Unsafe.Add(ref w1, 2 * ido).Imaginary);
                ref Complex a = ref Unsafe.Add(ref cc, (i + 4 * ido * k) * width);
                ref Complex y = ref Unsafe.Add(ref ch, (i + ido * k) * width);
                for (int t = 0; t < width; t += 2)
                {
                    var a0 = Load(ref Unsafe.Add(ref a, t));
                    var a1 = Load(ref Unsafe.Add(ref a, t + step));
                    var a2 = Load(ref Unsafe.Add(ref a, t + 2 * step));
                    var a3 = Load(ref Unsafe.Add(ref a, t + 3 * step));
                    var t0 = a0 + a2;
                    var t1 = a0 - a2;
                    var t2 = a1 + a3;
                    var r = Swap(a1 - a3) * rotate;
                    Store(ref Unsafe.Add(ref y, t), t0 + t2);
                    if (ido == 1)
                    {
                        // Last stage: every twiddle is 1.
                        Store(ref Unsafe.Add(ref y, t + os), t1 + r);
                        Store(ref Unsafe.Add(ref y, t + 2 * os), t0 - t2);
                        Store(ref Unsafe.Add(ref y, t + 3 * os), t1 - r);
                        continue;
                    }
                    Store(ref Unsafe.Add(ref y, t + os), CMul(t1 + r, w1r, w1i));
                    Store(ref Unsafe.Add(ref y, t + 2 * os), CMul(t0 - t2, w2r, w2i));
                    Store(ref Unsafe.Add(ref y, t + 3 * os), CMul(t1 - r, w3r, w3i));
                }
            }
    }

    private void Pass3Batch(ref Complex cc, ref Complex ch, Complex[] tw, int width, Vector256<double> rotate)
    {
        var half = Vector256.Create(0.5);
        var s3 = rotate * Vector256.Create(0.86602540378443864676);
        int ido = Ido, l1 = L1, os = ido * l1 * width, step = ido * width;
        for (int k = 0; k < l1; k++)
            for (int i = 0; i < ido; i++)
            {
                var w1r = Vector256.Create(tw[i].Real);
                var w1i = Vector256.Create(tw[i].Imaginary);
                var w2r = Vector256.Create(tw[ido + i].Real);
                var w2i = Vector256.Create(tw[ido + i].Imaginary);
                ref Complex a = ref Unsafe.Add(ref cc, (i + 3 * ido * k) * width);
                ref Complex y = ref Unsafe.Add(ref ch, (i + ido * k) * width);
                for (int t = 0; t < width; t += 2)
                {
                    var a0 = Load(ref Unsafe.Add(ref a, t));
                    var a1 = Load(ref Unsafe.Add(ref a, t + step));
                    var a2 = Load(ref Unsafe.Add(ref a, t + 2 * step));
                    var sum = a1 + a2;
                    var m = a0 - half * sum;
                    var r = Swap(a1 - a2) * s3;
                    Store(ref Unsafe.Add(ref y, t), a0 + sum);
                    Store(ref Unsafe.Add(ref y, t + os), CMul(m + r, w1r, w1i));
                    Store(ref Unsafe.Add(ref y, t + 2 * os), CMul(m - r, w2r, w2i));
                }
            }
    }

    private void Pass5Batch(ref Complex cc, ref Complex ch, Complex[] tw, int width, Vector256<double> rotate)
    {
        var c1 = Vector256.Create(0.30901699437494742410);
        var c2 = Vector256.Create(-0.80901699437494742410);
        var s1 = Vector256.Create(0.95105651629515357212);
        var s2 = Vector256.Create(0.58778525229247312917);
        int ido = Ido, l1 = L1, os = ido * l1 * width, step = ido * width;
        for (int k = 0; k < l1; k++)
            for (int i = 0; i < ido; i++)
            {
                var w1r = Vector256.Create(tw[i].Real);
                var w1i = Vector256.Create(tw[i].Imaginary);
                var w2r = Vector256.Create(tw[ido + i].Real);
                var w2i = Vector256.Create(tw[ido + i].Imaginary);
                var w3r = Vector256.Create(tw[2 * ido + i].Real);
                var w3i = Vector256.Create(tw[2 * ido + i].Imaginary);
                var w4r = Vector256.Create(tw[3 * ido + i].Real);
                var w4i = Vector256.Create(tw[3 * ido + i].Imaginary);
                ref Complex a = ref Unsafe.Add(ref cc, (i + 5 * ido * k) * width);
                ref Complex y = ref Unsafe.Add(ref ch, (i + ido * k) * width);
                for (int t = 0; t < width; t += 2)
                {
                    var a0 = Load(ref Unsafe.Add(ref a, t));
                    var a1 = Load(ref Unsafe.Add(ref a, t + step));
                    var a2 = Load(ref Unsafe.Add(ref a, t + 2 * step));
                    var a3 = Load(ref Unsafe.Add(ref a, t + 3 * step));
                    var a4 = Load(ref Unsafe.Add(ref a, t + 4 * step));
                    var t1 = a1 + a4;
                    var t4 = a1 - a4;
                    var t2 = a2 + a3;
                    var t3 = a2 - a3;
                    var m1 = a0 + c1 * t1 + c2 * t2;
                    var m2 = a0 + c2 * t1 + c1 * t2;
                    var r1 = Swap(s1 * t4 + s2 * t3) * rotate;
                    var r2 = Swap(s2 * t4 - s1 * t3) * rotate;
                    Store(ref Unsafe.Add(ref y, t), a0 + t1 + t2);
                    Store(ref Unsafe.Add(ref y, t + os), CMul(m1 + r1, w1r, w1i));
                    Store(ref Unsafe.Add(ref y, t + 2 * os), CMul(m2 + r2, w2r, w2i));
                    Store(ref Unsafe.Add(ref y, t + 3 * os), CMul(m2 - r2, w3r, w3i));
                    Store(ref Unsafe.Add(ref y, t + 4 * os), CMul(m1 - r1, w4r, w4i));
                }
            }
    }
}
