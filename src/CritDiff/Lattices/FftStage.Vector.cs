using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CritDiff.Lattices;

// The radix 2, 3, 4, 5 passes with each complex number held in one Vector128<double> (re, im): adds are one
// instruction, products with twiddles one FMA add-subtract. Same arithmetic as the scalar passes up to
// rounding (the FMA rounds once); used where FMA3 is available, the scalar passes elsewhere.
internal sealed partial class FftStage
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<double> V(ref Complex c) => Unsafe.As<Complex, Vector128<double>>(ref c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<double> Swap(Vector128<double> a) => Sse2.Shuffle(a, a, 0b01);

    /// <summary>a w as complex numbers: (ar wr - ai wi, ai wr + ar wi).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<double> CMul(Vector128<double> a, Vector128<double> w) =>
        Fma.MultiplyAddSubtract(a, Sse3.MoveAndDuplicate(w), Swap(a) * Sse2.UnpackHigh(w, w));

    private void ApplyVector(ref Complex cc, ref Complex ch, ref Complex tw, double sign)
    {
        // sign i z = swap(z) * (-sign, sign).
        var rotate = Vector128.Create(-sign, sign);
        switch (Radix)
        {
            case 4: Pass4Vector(ref cc, ref ch, ref tw, rotate); break;
            case 2: Pass2Vector(ref cc, ref ch, ref tw); break;
            case 3: Pass3Vector(ref cc, ref ch, ref tw, rotate); break;
            default: Pass5Vector(ref cc, ref ch, ref tw, rotate); break;
        }
    }

    private void Pass2Vector(ref Complex cc, ref Complex ch, ref Complex tw)
    {
        int ido = Ido, l1 = L1, os = ido * l1;
        for (int k = 0; k < l1; k++)
        {
            ref Complex a = ref Unsafe.Add(ref cc, 2 * ido * k);
            ref Complex y = ref Unsafe.Add(ref ch, ido * k);
            for (int i = 0; i < ido; i++)
            {
                var a0 = V(ref Unsafe.Add(ref a, i));
                var a1 = V(ref Unsafe.Add(ref a, i + ido));
                Unsafe.As<Complex, Vector128<double>>(ref Unsafe.Add(ref y, i)) = a0 + a1;
                Unsafe.As<Complex, Vector128<double>>(ref Unsafe.Add(ref y, i + os)) = CMul(a0 - a1, V(ref Unsafe.Add(ref tw, i)));
            }
        }
    }

    private void Pass4Vector(ref Complex cc, ref Complex ch, ref Complex tw, Vector128<double> rotate)
    {
        int ido = Ido, l1 = L1, os = ido * l1;
        for (int k = 0; k < l1; k++)
        {
            ref Complex a = ref Unsafe.Add(ref cc, 4 * ido * k);
            ref Complex y = ref Unsafe.Add(ref ch, ido * k);
            for (int i = 0; i < ido; i++)
            {
                var a0 = V(ref Unsafe.Add(ref a, i));
                var a1 = V(ref Unsafe.Add(ref a, i + ido));
                var a2 = V(ref Unsafe.Add(ref a, i + 2 * ido));
                var a3 = V(ref Unsafe.Add(ref a, i + 3 * ido));
                var t0 = a0 + a2;
                var t1 = a0 - a2;
                var t2 = a1 + a3;
                var r = Swap(a1 - a3) * rotate;
                Unsafe.As<Complex, Vector128<double>>(ref Unsafe.Add(ref y, i)) = t0 + t2;
                if (ido == 1)
                {
                    Unsafe.As<Complex, Vector128<double>>(ref Unsafe.Add(ref y, i + os)) = t1 + r;
                    Unsafe.As<Complex, Vector128<double>>(ref Unsafe.Add(ref y, i + 2 * os)) = t0 - t2;
                    Unsafe.As<Complex, Vector128<double>>(ref Unsafe.Add(ref y, i + 3 * os)) = t1 - r;
                    continue;
                }
                Unsafe.As<Complex, Vector128<double>>(ref Unsafe.Add(ref y, i + os)) = CMul(t1 + r, V(ref Unsafe.Add(ref tw, i)));
                Unsafe.As<Complex, Vector128<double>>(ref Unsafe.Add(ref y, i + 2 * os)) = CMul(t0 - t2, V(ref Unsafe.Add(ref tw, ido + i)));
                Unsafe.As<Complex, Vector128<double>>(ref Unsafe.Add(ref y, i + 3 * os)) = CMul(t1 - r, V(ref Unsafe.Add(ref tw, 2 * ido + i)));
            }
        }
    }

    private void Pass3Vector(ref Complex cc, ref Complex ch, ref Complex tw, Vector128<double> rotate)
    {
        var half = Vector128.Create(0.5);
        var s3 = rotate * Vector128.Create(0.86602540378443864676);
        int ido = Ido, l1 = L1, os = ido * l1;
        for (int k = 0; k < l1; k++)
        {
            ref Complex a = ref Unsafe.Add(ref cc, 3 * ido * k);
            ref Complex y = ref Unsafe.Add(ref ch, ido * k);
            for (int i = 0; i < ido; i++)
            {
                var a0 = V(ref Unsafe.Add(ref a, i));
                var a1 = V(ref Unsafe.Add(ref a, i + ido));
                var a2 = V(ref Unsafe.Add(ref a, i + 2 * ido));
                var t = a1 + a2;
                var m = a0 - half * t;
                var r = Swap(a1 - a2) * s3;
                Unsafe.As<Complex, Vector128<double>>(ref Unsafe.Add(ref y, i)) = a0 + t;
                Unsafe.As<Complex, Vector128<double>>(ref Unsafe.Add(ref y, i + os)) = CMul(m + r, V(ref Unsafe.Add(ref tw, i)));
                Unsafe.As<Complex, Vector128<double>>(ref Unsafe.Add(ref y, i + 2 * os)) = CMul(m - r, V(ref Unsafe.Add(ref tw, ido + i)));
            }
        }
    }

    private void Pass5Vector(ref Complex cc, ref Complex ch, ref Complex tw, Vector128<double> rotate)
    {
        var c1 = Vector128.Create(0.30901699437494742410);
        var c2 = Vector128.Create(-0.80901699437494742410);
        var s1 = Vector128.Create(0.95105651629515357212);
        var s2 = Vector128.Create(0.58778525229247312917);
        int ido = Ido, l1 = L1, os = ido * l1;
        for (int k = 0; k < l1; k++)
        {
            ref Complex a = ref Unsafe.Add(ref cc, 5 * ido * k);
            ref Complex y = ref Unsafe.Add(ref ch, ido * k);
            for (int i = 0; i < ido; i++)
            {
                var a0 = V(ref Unsafe.Add(ref a, i));
                var a1 = V(ref Unsafe.Add(ref a, i + ido));
                var a2 = V(ref Unsafe.Add(ref a, i + 2 * ido));
                var a3 = V(ref Unsafe.Add(ref a, i + 3 * ido));
                var a4 = V(ref Unsafe.Add(ref a, i + 4 * ido));
                var t1 = a1 + a4;
                var t4 = a1 - a4;
                var t2 = a2 + a3;
                var t3 = a2 - a3;
                var m1 = a0 + c1 * t1 + c2 * t2;
                var m2 = a0 + c2 * t1 + c1 * t2;
                var r1 = Swap(s1 * t4 + s2 * t3) * rotate;
                var r2 = Swap(s2 * t4 - s1 * t3) * rotate;
                Unsafe.As<Complex, Vector128<double>>(ref Unsafe.Add(ref y, i)) = a0 + t1 + t2;
                Unsafe.As<Complex, Vector128<double>>(ref Unsafe.Add(ref y, i + os)) = CMul(m1 + r1, V(ref Unsafe.Add(ref tw, i)));
                Unsafe.As<Complex, Vector128<double>>(ref Unsafe.Add(ref y, i + 2 * os)) = CMul(m2 + r2, V(ref Unsafe.Add(ref tw, ido + i)));
                Unsafe.As<Complex, Vector128<double>>(ref Unsafe.Add(ref y, i + 3 * os)) = CMul(m2 - r2, V(ref Unsafe.Add(ref tw, 2 * ido + i)));
                Unsafe.As<Complex, Vector128<double>>(ref Unsafe.Add(ref y, i + 4 * os)) = CMul(m1 - r1, V(ref Unsafe.Add(ref tw, 3 * ido + i)));
            }
        }
    }
}
