using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace CritDiff.Lattices;

/// <summary>
/// One decimation-in-frequency Stockham stage of radix p of an n-point FFT (the layout of pocketfft's passes).
/// After the stages before it the data hold l1 sub-transforms of length N' = p ido, element n1 + ido q of
/// sub-transform k at cc[n1 + ido (q + p k)] (n1 &lt; ido, q &lt; p, k &lt; l1). Splitting the output index as
/// p k1 + j, y_j[n1] = exp(-+2 pi i n1 j / N') sum_q cc[n1 + ido (q + p k)] exp(-+2 pi i q j / p) is written to
/// ch[n1 + ido (k + l1 j)]: l1 p sub-transforms of length ido, whose indices end in natural order after the last stage.
/// </summary>
internal sealed partial class FftStage
{
    private readonly Complex[] _forwardTwiddles;
    private readonly Complex[] _inverseTwiddles;
    private readonly Complex[] _forwardRoots;
    private readonly Complex[] _inverseRoots;

    public FftStage(int radix, int l1, int ido, int n)
    {
        Radix = radix;
        L1 = l1;
        Ido = ido;
        _forwardTwiddles = new Complex[(radix - 1) * ido];
        _inverseTwiddles = new Complex[(radix - 1) * ido];
        for (int j = 1; j < radix; j++)
            for (int i = 0; i < ido; i++)
            {
                var w = FftPlan.Root((long)j * i * l1, n, -1);
                _forwardTwiddles[(j - 1) * ido + i] = w;
                _inverseTwiddles[(j - 1) * ido + i] = Complex.Conjugate(w);
            }
        _forwardRoots = new Complex[radix];
        _inverseRoots = new Complex[radix];
        for (int q = 0; q < radix; q++)
        {
            _forwardRoots[q] = FftPlan.Root(q, radix, -1);
            _inverseRoots[q] = Complex.Conjugate(_forwardRoots[q]);
        }
    }

    public int Radix { get; }
    public int L1 { get; }
    public int Ido { get; }

    public void Apply(ReadOnlySpan<Complex> cc, Span<Complex> ch, bool inverse)
    {
        var tw = inverse ? _inverseTwiddles : _forwardTwiddles;
        double sign = inverse ? 1 : -1;
        ref Complex src = ref MemoryMarshal.GetReference(cc);
        ref Complex dst = ref MemoryMarshal.GetReference(ch);
        ref Complex w = ref MemoryMarshal.GetArrayDataReference(tw);
        if (Fma.IsSupported && Radix is 2 or 3 or 4 or 5)
        {
            ApplyVector(ref src, ref dst, ref w, sign);
            return;
        }
        switch (Radix)
        {
            case 4: Pass4(ref src, ref dst, ref w, sign); break;
            case 2: Pass2(ref src, ref dst, ref w); break;
            case 3: Pass3(ref src, ref dst, ref w, sign); break;
            case 5: Pass5(ref src, ref dst, ref w, sign); break;
            default: PassGeneric(ref src, ref dst, ref w, inverse ? _inverseRoots : _forwardRoots); break;
        }
    }

    /// <summary>sign * i * z: multiplication by -i (forward) or +i (inverse).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Complex TimesSignI(Complex z, double sign) => new(-sign * z.Imaginary, sign * z.Real);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Complex Mul(Complex a, Complex b) =>
        new(a.Real * b.Real - a.Imaginary * b.Imaginary, a.Real * b.Imaginary + a.Imaginary * b.Real);

    private void Pass2(ref Complex cc, ref Complex ch, ref Complex tw)
    {
        int ido = Ido, l1 = L1, os = ido * l1;
        for (int k = 0; k < l1; k++)
        {
            ref Complex a = ref Unsafe.Add(ref cc, 2 * ido * k);
            ref Complex y = ref Unsafe.Add(ref ch, ido * k);
            for (int i = 0; i < ido; i++)
            {
                Complex a0 = Unsafe.Add(ref a, i), a1 = Unsafe.Add(ref a, i + ido);
                Unsafe.Add(ref y, i) = a0 + a1;
                Unsafe.Add(ref y, i + os) = Mul(a0 - a1, Unsafe.Add(ref tw, i));
            }
        }
    }

    private void Pass4(ref Complex cc, ref Complex ch, ref Complex tw, double sign)
    {
        int ido = Ido, l1 = L1, os = ido * l1;
        for (int k = 0; k < l1; k++)
        {
            ref Complex a = ref Unsafe.Add(ref cc, 4 * ido * k);
            ref Complex y = ref Unsafe.Add(ref ch, ido * k);
            for (int i = 0; i < ido; i++)
            {
                Complex a0 = Unsafe.Add(ref a, i), a1 = Unsafe.Add(ref a, i + ido);
                Complex a2 = Unsafe.Add(ref a, i + 2 * ido), a3 = Unsafe.Add(ref a, i + 3 * ido);
                Complex t0 = a0 + a2, t1 = a0 - a2, t2 = a1 + a3, r = TimesSignI(a1 - a3, sign);
                Unsafe.Add(ref y, i) = t0 + t2;
                Unsafe.Add(ref y, i + os) = Mul(t1 + r, Unsafe.Add(ref tw, i));
                Unsafe.Add(ref y, i + 2 * os) = Mul(t0 - t2, Unsafe.Add(ref tw, ido + i));
                Unsafe.Add(ref y, i + 3 * os) = Mul(t1 - r, Unsafe.Add(ref tw, 2 * ido + i));
            }
        }
    }

    private void Pass3(ref Complex cc, ref Complex ch, ref Complex tw, double sign)
    {
        const double half = 0.5, s3 = 0.86602540378443864676; // cos(2 pi/3) = -1/2, sin(2 pi/3) = sqrt(3)/2
        int ido = Ido, l1 = L1, os = ido * l1;
        for (int k = 0; k < l1; k++)
        {
            ref Complex a = ref Unsafe.Add(ref cc, 3 * ido * k);
            ref Complex y = ref Unsafe.Add(ref ch, ido * k);
            for (int i = 0; i < ido; i++)
            {
                Complex a0 = Unsafe.Add(ref a, i), a1 = Unsafe.Add(ref a, i + ido), a2 = Unsafe.Add(ref a, i + 2 * ido);
                Complex t = a1 + a2, m = a0 - half * t, r = TimesSignI(a1 - a2, sign * s3);
                Unsafe.Add(ref y, i) = a0 + t;
                Unsafe.Add(ref y, i + os) = Mul(m + r, Unsafe.Add(ref tw, i));
                Unsafe.Add(ref y, i + 2 * os) = Mul(m - r, Unsafe.Add(ref tw, ido + i));
            }
        }
    }

    private void Pass5(ref Complex cc, ref Complex ch, ref Complex tw, double sign)
    {
        const double c1 = 0.30901699437494742410, c2 = -0.80901699437494742410; // cos(2 pi/5), cos(4 pi/5)
        const double s1 = 0.95105651629515357212, s2 = 0.58778525229247312917; // sin(2 pi/5), sin(4 pi/5)
        int ido = Ido, l1 = L1, os = ido * l1;
        for (int k = 0; k < l1; k++)
        {
            ref Complex a = ref Unsafe.Add(ref cc, 5 * ido * k);
            ref Complex y = ref Unsafe.Add(ref ch, ido * k);
            for (int i = 0; i < ido; i++)
            {
                Complex a0 = Unsafe.Add(ref a, i), a1 = Unsafe.Add(ref a, i + ido), a2 = Unsafe.Add(ref a, i + 2 * ido);
                Complex a3 = Unsafe.Add(ref a, i + 3 * ido), a4 = Unsafe.Add(ref a, i + 4 * ido);
                Complex t1 = a1 + a4, t4 = a1 - a4, t2 = a2 + a3, t3 = a2 - a3;
                Complex m1 = a0 + c1 * t1 + c2 * t2, m2 = a0 + c2 * t1 + c1 * t2;
                Complex r1 = TimesSignI(s1 * t4 + s2 * t3, sign), r2 = TimesSignI(s2 * t4 - s1 * t3, sign);
                Unsafe.Add(ref y, i) = a0 + t1 + t2;
                Unsafe.Add(ref y, i + os) = Mul(m1 + r1, Unsafe.Add(ref tw, i));
                Unsafe.Add(ref y, i + 2 * os) = Mul(m2 + r2, Unsafe.Add(ref tw, ido + i));
                Unsafe.Add(ref y, i + 3 * os) = Mul(m2 - r2, Unsafe.Add(ref tw, 2 * ido + i));
                Unsafe.Add(ref y, i + 4 * os) = Mul(m1 - r1, Unsafe.Add(ref tw, 3 * ido + i));
            }
        }
    }

    /// <summary>Any radix p by the direct p-point sum (used for odd primes 7..<see cref="FftPlan.LargestDirectPrime"/>).</summary>
    private void PassGeneric(ref Complex cc, ref Complex ch, ref Complex tw, Complex[] roots)
    {
        int p = Radix, ido = Ido, l1 = L1, os = ido * l1;
        for (int k = 0; k < l1; k++)
        {
            ref Complex a = ref Unsafe.Add(ref cc, p * ido * k);
            ref Complex y = ref Unsafe.Add(ref ch, ido * k);
            for (int i = 0; i < ido; i++)
            {
                Complex sum0 = Unsafe.Add(ref a, i);
                for (int q = 1; q < p; q++) sum0 += Unsafe.Add(ref a, i + q * ido);
                Unsafe.Add(ref y, i) = sum0;
                for (int j = 1; j < p; j++)
                {
                    Complex sum = Unsafe.Add(ref a, i);
                    int e = 0;
                    for (int q = 1; q < p; q++)
                    {
                        e += j;
                        if (e >= p) e -= p;
                        sum += Mul(Unsafe.Add(ref a, i + q * ido), roots[e]);
                    }
                    Unsafe.Add(ref y, i + j * os) = Mul(sum, Unsafe.Add(ref tw, (j - 1) * ido + i));
                }
            }
        }
    }
}
