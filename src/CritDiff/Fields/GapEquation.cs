using CritDiff.Lattices;
using MathNet.Numerics.RootFinding;

namespace CritDiff.Fields;

/// <summary>
/// The spherical constraint of the O(n -> inf) model (docs/science.md section 3):
/// beta = (1/V) sum_k 1 / (khat2(k) + mu2). The right side falls monotonically from +inf (mu2 -> 0,
/// through the zero mode) to 0, so mu2(beta, L, d) is unique.
/// </summary>
public static class GapEquation
{
    /// <summary>Relative accuracy of the solved mass (Brent in log mu2, then Newton polish).</summary>
    public const double RelativeAccuracy = 1e-13;

    /// <summary>The lattice sum (1/V) sum_k 1/(khat2 + mu2), i.e. beta as a function of mu2.</summary>
    public static double Beta(Lattice lattice, double massSquared)
    {
        ArgumentNullException.ThrowIfNull(lattice);
        if (!(massSquared > 0) || double.IsInfinity(massSquared))
            throw new ArgumentOutOfRangeException(nameof(massSquared), massSquared, "mu2 must be positive and finite");
        var (values, weights) = lattice.KHat2Multiset();
        return Sum(values, weights, massSquared, power: 1) / lattice.SiteCount;
    }

    /// <summary>
    /// Solves the gap equation for mu2 at coupling beta: a bracketed Brent search in u = ln mu2 on
    /// [ln(1/(2 V beta)), ln(2/beta)] (where the sum is above and below beta), polished by Newton
    /// steps in mu2 to full double precision. For beta &lt; <see cref="SmallBeta"/> the residual is relative,
    /// sum/(V beta) - 1 (an absolute one is below Brent's tolerance at tiny beta and stops the search at once, e.g.
    /// mu2 = 2e300 at beta = 1e-300), and Newton runs in u with the overflow-free derivative
    /// sum (1/(x + mu2)) (mu2/(x + mu2)).
    /// </summary>
    public static double SolveMassSquared(Lattice lattice, double beta)
    {
        ArgumentNullException.ThrowIfNull(lattice);
        if (!(beta > 0) || double.IsInfinity(beta))
            throw new ArgumentOutOfRangeException(nameof(beta), beta, "beta must be positive and finite");
        // Brent's absolute tolerance of 1e-12 on the residual is meaningless once beta itself is that small: there the
        // relative solver takes over. Above it the direct solver is kept, whose results checkpoints reproduce bit for bit.
        return beta < SmallBeta ? SolveRelative(lattice, beta) : SolveDirect(lattice, beta);
    }

    /// <summary>Below this coupling the gap equation is solved with a relative residual (mu2 ~ 1/beta &gt; 1e6).</summary>
    public const double SmallBeta = 1e-6;

    private static double SolveDirect(Lattice lattice, double beta)
    {
        var (values, weights) = lattice.KHat2Multiset();
        double v = lattice.SiteCount;
        double Residual(double u) => Sum(values, weights, Math.Exp(u), 1) / v - beta;
        // The zero mode alone gives 1/(V mu2) > beta below the lower end; the sum is < 1/mu2 < beta above the upper.
        double lower = Math.Log(0.5 / (v * beta)), upper = Math.Log(2 / beta);
        double u = Brent.FindRoot(Residual, lower, upper, 1e-12, 500);
        double mu2 = Math.Exp(u);
        for (int i = 0; i < 3; i++)
        {
            double f = Sum(values, weights, mu2, 1) / v - beta;
            double df = -Sum(values, weights, mu2, 2) / v;
            double next = mu2 - f / df;
            if (!(next > 0)) break;
            bool done = Math.Abs(next - mu2) <= 1e-16 * mu2;
            mu2 = next;
            if (done) break;
        }
        return mu2;
    }

    private static double SolveRelative(Lattice lattice, double beta)
    {
        var (values, weights) = lattice.KHat2Multiset();
        double scale = lattice.SiteCount * beta;
        double Residual(double u) => Sum(values, weights, Math.Exp(u), 1) / scale - 1;
        // The zero mode alone gives 1/(V mu2) > beta below the lower end; the sum is < 1/mu2 < beta above the upper.
        double lower = Math.Log(0.5 / scale), upper = Math.Log(2 / beta);
        double u = Brent.FindRoot(Residual, lower, upper, 1e-14, 500);
        for (int i = 0; i < 4; i++)
        {
            double mu2 = Math.Exp(u);
            double f = Sum(values, weights, mu2, 1) / scale - 1;
            double df = -SumWeighted(values, weights, mu2) / scale;
            if (!(df < 0)) break;
            double step = f / df;
            u -= step;
            if (Math.Abs(step) <= 1e-16) break;
        }
        return Math.Exp(u);
    }

    /// <summary>sum_i w_i mu2 / (x_i + mu2)^2, the u-derivative of the lattice sum up to sign, without overflow.</summary>
    private static double SumWeighted(double[] values, double[] weights, double massSquared)
    {
        double sum = 0;
        for (int i = 0; i < values.Length; i++)
        {
            double denominator = values[i] + massSquared;
            sum += weights[i] / denominator * (massSquared / denominator);
        }
        return sum;
    }

    /// <summary>Neumaier-compensated sum_i w_i / (x_i + mu2)^power.</summary>
    private static double Sum(double[] values, double[] weights, double massSquared, int power)
    {
        double sum = 0, compensation = 0;
        for (int i = 0; i < values.Length; i++)
        {
            double denominator = values[i] + massSquared;
            double term = weights[i] / (power == 1 ? denominator : denominator * denominator);
            double t = sum + term;
            compensation += Math.Abs(sum) >= Math.Abs(term) ? (sum - t) + term : (term - t) + sum;
            sum = t;
        }
        return sum + compensation;
    }
}
