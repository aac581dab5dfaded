using CritDiff.Statistics;

namespace CritDiff.MonteCarlo;

/// <summary>
/// The von Mises-Fisher law on the unit sphere S^(m-1) in R^m, density proportional to exp(kappa u . mu): the exact
/// conditional of an O(m) spin given its neighbours. A draw is u = w mu + sqrt(1 - w^2) v with v uniform on the
/// unit sphere orthogonal to mu and w = u . mu of density proportional to exp(kappa w) (1 - w^2)^((m - 3)/2) on [-1, 1].
/// w comes from Wood's rejection algorithm (Commun. Stat. Simul. 23, 157 (1994)), valid for every m >= 2:
/// b = (m - 1) / (2 kappa + sqrt(4 kappa^2 + (m - 1)^2)), x0 = (1 - b)/(1 + b), c = kappa x0 + (m - 1) ln(1 - x0^2);
/// draw z ~ Beta((m - 1)/2, (m - 1)/2), w = (1 - (1 + b) z) / (1 - (1 - b) z), accept when
/// kappa w + (m - 1) ln(1 - x0 w) - c >= ln U. For m = 3 the inverse CDF is closed:
/// 1 - w = -ln(U + (1 - U) e^(-2 kappa)) / kappa.
/// </summary>
internal static class VonMisesFisher
{
    /// <summary>Below this kappa the m = 3 closed form loses digits to cancellation; w is then uniform, a law error of O(kappa).</summary>
    private const double TinyConcentration = 1e-8;

    /// <summary>
    /// One draw of 1 - w for concentration kappa >= 0 on S^(m-1); returning 1 - w rather than w keeps the
    /// digits of sqrt(1 - w^2) = sqrt((1 - w)(1 + w)) when kappa is large and w is close to 1.
    /// </summary>
    public static double SampleOneMinusCosine(ref RandomStream random, int dimension, double kappa) =>
        dimension == 3 ? ClosedFormThree(ref random, kappa) : Wood(ref random, dimension, kappa);

    /// <summary>Wood's rejection algorithm for 1 - w on S^(m-1), any m >= 2 and kappa >= 0.</summary>
    internal static double Wood(ref RandomStream random, int dimension, double kappa)
    {
        int m1 = dimension - 1;
        double root = Math.Sqrt(4 * kappa * kappa + (double)m1 * m1);
        double b = m1 / (2 * kappa + root);
        // 1 - b without cancellation: (2 kappa + root - m1)/(2 kappa + root), root - m1 = 4 kappa^2 / (root + m1).
        double oneMinusB = (2 * kappa + 4 * kappa * kappa / (root + m1)) / (2 * kappa + root);
        double x0 = oneMinusB / (1 + b);
        double c = kappa * x0 + m1 * Math.Log((1 - x0) * (1 + x0));
        while (true)
        {
            double z = SymmetricBeta(ref random, m1);
            double denominator = 1 - oneMinusB * z;
            double w = (1 - (1 + b) * z) / denominator;
            // 1 - w = ((1 + b) z - oneMinusB z) / denominator = 2 b z / denominator.
            double oneMinusW = 2 * b * z / denominator;
            double u = 1 - random.NextDouble(); // (0, 1]
            if (kappa * w + m1 * Math.Log(1 - x0 * w) - c >= Math.Log(u)) return oneMinusW;
        }
    }

    /// <summary>m = 3: 1 - w = -ln(U + (1 - U) e^(-2 kappa)) / kappa, U uniform (uniform w for kappa below 1e-8).</summary>
    internal static double ClosedFormThree(ref RandomStream random, double kappa)
    {
        double u = random.NextDouble();
        if (kappa < TinyConcentration) return 2 * u;
        double oneMinusW = -Math.Log(u + (1 - u) * Math.Exp(-2 * kappa)) / kappa;
        return Math.Clamp(oneMinusW, 0, 2);
    }

    /// <summary>Beta(k/2, k/2) for k = m - 1 >= 1: the arcsine law sin^2(pi U / 2) for k = 1, uniform for k = 2, else G1/(G1 + G2).</summary>
    private static double SymmetricBeta(ref RandomStream random, int k)
    {
        if (k == 1)
        {
            double s = Math.Sin(Math.PI / 2 * random.NextDouble());
            return s * s;
        }
        if (k == 2) return random.NextDouble();
        double first = random.NextGamma(k / 2.0), second = random.NextGamma(k / 2.0);
        return first / (first + second);
    }
}
