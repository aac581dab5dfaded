namespace CritDiff.Tests.Fields;

/// <summary>
/// Exact Ising moments on a small periodic 2D lattice by summing over all 2^V states (V &lt;= 20) with weight
/// exp(beta sum_&lt;xy&gt; s_x s_y): the independent reference for the Monte Carlo measurements.
/// </summary>
internal static class IsingEnumeration
{
    /// <summary>Exact &lt;e&gt; (energy per bond), &lt;M^2&gt;, &lt;M^4&gt; and &lt;|M|&gt; of the L x L periodic Ising model.</summary>
    public static (double Energy, double M2, double M4, double AbsM) Moments(int length, double beta)
    {
        int v = length * length;
        if (v > 20) throw new ArgumentOutOfRangeException(nameof(length), "at most 2^20 states");
        // Bonds (x, right) and (x, down) as site pairs.
        var bonds = new List<(int, int)>();
        for (int r = 0; r < length; r++)
            for (int c = 0; c < length; c++)
            {
                int x = r * length + c;
                bonds.Add((x, r * length + (c + 1) % length));
                bonds.Add((x, (r + 1) % length * length + c));
            }
        // Work relative to the ground state's weight to avoid overflow.
        double z = 0, e = 0, m2 = 0, m4 = 0, abs = 0;
        for (int state = 0; state < 1 << v; state++)
        {
            int sum = 0;
            foreach (var (x, y) in bonds) sum += ((state >> x) & 1) == ((state >> y) & 1) ? 1 : -1;
            int magnet = 2 * System.Numerics.BitOperations.PopCount((uint)state) - v;
            double w = Math.Exp(beta * (sum - bonds.Count));
            double m = (double)magnet / v;
            z += w;
            e += w * sum / bonds.Count;
            m2 += w * m * m;
            m4 += w * m * m * m * m;
            abs += w * Math.Abs(m);
        }
        return (e / z, m2 / z, m4 / z, abs / z);
    }
}
