using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MathNet.Numerics;

namespace CritDiff.Statistics;

/// <summary>
/// Marsaglia and Tsang's ziggurat for the standard normal (J. Stat. Softw. 5(8), 2000), with 256
/// layers of equal area and the bit layout of rand_distr's 64-bit version: one draw gives the layer
/// from its low 8 bits and a symmetric uniform u in [-1, 1) from its top 52 bits (disjoint bits, so
/// the two are independent). x = u x_i is returned at once when |x| &lt; x_{i+1} (inside the layer's
/// rectangle under the curve: about 99% of draws); otherwise the wedge is tested against the density
/// with a second uniform, and the base layer's overhang (|x| &gt; R) is sampled from the exact tail by
/// Marsaglia's method (1964). Every branch is exact, so the variates have the normal law to the
/// resolution of the uniforms; the tables follow from R alone (the area per layer
/// A = R f(R) + sqrt(pi/2) erfc(R/sqrt 2), x_{i+1} = f^{-1}(A / x_i + f(x_i)), f(x) = exp(-x^2/2)).
/// </summary>
internal static class Ziggurat
{
    /// <summary>Start of the tail: the right edge of the base layer's rectangle for 256 layers.</summary>
    public const double TailStart = 3.654152885361008796;

    private const int Layers = 256;

    // X[i] is the right edge of layer i (X[0] = A / f(R), the width of a rectangle with the base
    // layer's area; X[1] = R; X[256] = 0); F[i] = f(X[i]). Field initialisers (no static constructor)
    // let the JIT drop class-initialisation checks from the hot loops.
    private static readonly double[] X = Edges();
    private static readonly double[] F = X.Select(Density).ToArray();

    /// <summary>A reference to X[0]; X[i] for i in [0, 256] is <c>Unsafe.Add(ref EdgeReference, i)</c>.</summary>
    public static ref double EdgeReference => ref MemoryMarshal.GetArrayDataReference(X);

    private static double[] Edges()
    {
        double r = TailStart;
        double area = r * Density(r) + Math.Sqrt(Math.PI / 2) * SpecialFunctions.Erfc(r / Math.Sqrt(2));
        var x = new double[Layers + 1];
        x[0] = area / Density(r);
        x[1] = r;
        for (int i = 1; i < Layers - 1; i++)
            x[i + 1] = Math.Sqrt(-2 * Math.Log(area / x[i] + Density(x[i])));
        x[Layers] = 0;
        return x;
    }

    /// <summary>One standard normal variate from <paramref name="rng"/>.</summary>
    public static double Sample(ref RandomStream rng)
    {
        while (true)
        {
            if (TryFast(rng.NextUInt64(), out double x, out int layer, out double u)) return x;
            x = Slow(ref rng, layer, u, x);
            if (!double.IsNaN(x)) return x;
        }
    }

    /// <summary>
    /// The fast path for one 64-bit draw: layer i from the low 8 bits, u = 2 [1, 2) - 3 on [-1, 1) from
    /// the top 52 bits, x = u X[i]; true (accept x) when |x| &lt; X[i+1].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryFast(ulong bits, out double x, out int layer, out double u)
    {
        layer = (int)(bits & 0xFF);
        u = 2 * BitConverter.UInt64BitsToDouble((bits >> 12) | 0x3FF0000000000000UL) - 3;
        // layer + 1 <= 256 < X.Length: no bounds check needed.
        ref double edges = ref EdgeReference;
        x = u * Unsafe.Add(ref edges, layer);
        return Math.Abs(x) < Unsafe.Add(ref edges, layer + 1);
    }

    /// <summary>
    /// The slow path after <see cref="TryFast"/> declined x (about 1% of draws): the exact tail for the
    /// base layer, else the wedge test against the density. NaN means rejected: draw again.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static double Slow(ref RandomStream rng, int layer, double u, double x)
    {
        if (layer == 0) return Tail(ref rng, u < 0);
        return F[layer + 1] + (F[layer] - F[layer + 1]) * rng.NextDouble() < Density(x) ? x : double.NaN;
    }

    /// <summary>Marsaglia's tail method: x = R - ln(U1)/R, accepted when -2 ln U2 &gt; (ln U1 / R)^2.</summary>
    private static double Tail(ref RandomStream rng, bool negative)
    {
        while (true)
        {
            double x = Math.Log(OpenUniform(ref rng)) / TailStart;
            double y = Math.Log(OpenUniform(ref rng));
            if (-2 * y >= x * x) return negative ? x - TailStart : TailStart - x;
        }
    }

    private static double OpenUniform(ref RandomStream rng) => ((rng.NextUInt64() >> 11) + 0.5) * (1.0 / (1UL << 53));

    private static double Density(double x) => Math.Exp(-0.5 * x * x);
}
