using CritDiff.Fields;
using CritDiff.Lattices;
using MathNet.Numerics;
using MathNet.Numerics.Integration;

namespace CritDiff.Tests.MonteCarlo;

/// <summary>
/// Exact expectation values of tiny finite-n systems, independent of every kernel: enumeration of Ising states,
/// the O(n) ring by its transfer-operator spectrum (Funk-Hecke), and quadrature of two-site phi^4.
/// </summary>
internal static class ExactReferences
{
    /// <summary>
    /// Ising (n = 1) by enumeration of all 2^V states with weight exp(-S) from <see cref="LatticeModel.Action"/>:
    /// (E per bond = B/(dV), M^2 = (sum s / V)^2).
    /// </summary>
    public static (double Energy, double MagnetisationSquared) Ising(SpinModel model)
    {
        if (model.Components != 1 || model.Lattice.SiteCount > 20) throw new ArgumentException("enumeration needs n = 1 and V <= 20");
        int v = model.Lattice.SiteCount, d = model.Lattice.Dimension;
        var s = new double[v];
        double z = 0, energy = 0, m2 = 0;
        // Weights relative to the ground state exp(beta B_max), B_max = d V, to stay in range.
        for (int state = 0; state < 1 << v; state++)
        {
            int total = 0;
            for (int x = 0; x < v; x++)
            {
                s[x] = ((state >> x) & 1) == 1 ? 1 : -1;
                total += (int)s[x];
            }
            double bonds = model.BondSum(s);
            double weight = Math.Exp(-model.Action(s) - model.Beta * d * v);
            z += weight;
            energy += weight * bonds / (d * v);
            m2 += weight * (double)total * total / ((double)v * v);
        }
        return (energy / z, m2 / z);
    }

    /// <summary>Modified Bessel function I_nu(x), nu >= 0, x >= 0 by its power series (x &lt;= 30).</summary>
    public static double BesselI(double nu, double x)
    {
        if (x == 0) return nu == 0 ? 1 : 0;
        double half = x / 2, term = Math.Pow(half, nu) / SpecialFunctions.Gamma(nu + 1), sum = term;
        for (int k = 0; k < 500 && term > 1e-18 * sum; k++)
        {
            term *= half * half / ((k + 1) * (k + 1 + nu));
            sum += term;
        }
        return sum;
    }

    /// <summary>Mean cosine E[u . mu] = I_(m/2)(kappa) / I_(m/2 - 1)(kappa) of the von Mises-Fisher law on S^(m-1).</summary>
    public static double MeanCosine(int dimension, double kappa) =>
        BesselI(dimension / 2.0, kappa) / BesselI(dimension / 2.0 - 1, kappa);

    /// <summary>
    /// &lt;u_0 . u_1&gt; on a periodic ring of N unit O(n) spins with weight exp(beta_unit sum_i u_i . u_(i+1)):
    /// Z = sum_l d_l lambda_l^N with lambda_l proportional to beta^(-nu) I_(l + nu)(beta), nu = n/2 - 1 (Funk-Hecke on the
    /// degree-l spherical harmonics, multiplicity d_l), and &lt;u_0 . u_1&gt; = (1/N) d ln Z / d beta with
    /// d/dbeta [beta^(-nu) I_(l+nu)] = beta^(-nu) [I_(l+nu+1) + (l/beta) I_(l+nu)].
    /// </summary>
    public static double RingBondEnergy(int components, int sites, double betaUnit)
    {
        double nu = components / 2.0 - 1, numerator = 0, denominator = 0;
        double scale = BesselI(nu, betaUnit); // lambda_l / lambda_0, to stay in range
        for (int l = 0; l < 60; l++)
        {
            double lambda = BesselI(l + nu, betaUnit) / scale;
            double derivative = (BesselI(l + nu + 1, betaUnit) + l / betaUnit * BesselI(l + nu, betaUnit)) / scale;
            double multiplicity = HarmonicMultiplicity(components, l);
            numerator += multiplicity * Math.Pow(lambda, sites - 1) * derivative;
            denominator += multiplicity * Math.Pow(lambda, sites);
        }
        return numerator / denominator;
    }

    /// <summary>Dimension of the degree-l spherical harmonics on S^(n-1): C(l + n - 1, n - 1) - C(l + n - 3, n - 1).</summary>
    public static double HarmonicMultiplicity(int components, int degree) =>
        SpecialFunctions.Binomial(degree + components - 1, components - 1)
        - (degree >= 2 ? SpecialFunctions.Binomial(degree + components - 3, components - 1) : 0);

    /// <summary>
    /// &lt;u_0 . u_1&gt; on a 3-site ring by direct quadrature: n = 2 with the trapezoid rule in two angles (u_0 fixed);
    /// n = 3 with u_0 = e_z, u_1 in the xz-plane (polar cosine t1), u_2 at (t2, phi), Gauss-Legendre in t1, t2 and the
    /// trapezoid rule in phi.
    /// </summary>
    public static double ThreeRingByQuadrature(int components, double beta)
    {
        double z = 0, sum = 0;
        if (components == 2)
        {
            const int m = 96;
            for (int i = 0; i < m; i++)
            for (int j = 0; j < m; j++)
            {
                double a = 2 * Math.PI * i / m, b = 2 * Math.PI * j / m;
                double w = Math.Exp(beta * (Math.Cos(a) + Math.Cos(b - a) + Math.Cos(b)));
                z += w;
                sum += w * Math.Cos(a);
            }
            return sum / z;
        }
        if (components != 3) throw new ArgumentOutOfRangeException(nameof(components));
        var rule = new GaussLegendreRule(-1, 1, 48);
        const int azimuths = 96;
        for (int i = 0; i < rule.Order; i++)
        for (int j = 0; j < rule.Order; j++)
        for (int k = 0; k < azimuths; k++)
        {
            double t1 = rule.Abscissas[i], t2 = rule.Abscissas[j], phi = 2 * Math.PI * k / azimuths;
            double s1 = Math.Sqrt(1 - t1 * t1), s2 = Math.Sqrt(1 - t2 * t2);
            double u1u2 = s1 * s2 * Math.Cos(phi) + t1 * t2;
            double w = rule.Weights[i] * rule.Weights[j] * Math.Exp(beta * (t1 + u1u2 + t2));
            z += w;
            sum += w * t1;
        }
        return sum / z;
    }

    /// <summary>
    /// phi^4 on d = 1, L = 2 (two sites joined by a double bond), S = -4 kappa phi_0 . phi_1 + U(|phi_0|^2) + U(|phi_1|^2),
    /// U(q) = q + lambda (q - 1)^2: (&lt;|phi_0|^2&gt;/n, &lt;phi_0 . phi_1&gt;/n) by quadrature. n = 1: trapezoid on
    /// [-R, R]^2 (spectral for this smooth, fast-decaying integrand). n = 2: phi_0 = (r, 0) by rotation symmetry (weight
    /// 2 pi r), Gauss-Legendre in r on [0, R] and the trapezoid rule for phi_1 on [-R, R]^2.
    /// </summary>
    public static (double LocalSquare, double Energy) TwoSitePhi4(int components, double kappa, double lambda, int points = 121, int order = 40)
    {
        const double range = 4.5;
        double U(double q) => q + lambda * (q - 1) * (q - 1);
        double z = 0, squares = 0, bonds = 0;
        double h = 2 * range / (points - 1);
        if (components == 1)
        {
            for (int i = 0; i < points; i++)
            for (int j = 0; j < points; j++)
            {
                double a = -range + i * h, b = -range + j * h;
                double w = Math.Exp(4 * kappa * a * b - U(a * a) - U(b * b));
                z += w;
                squares += w * a * a;
                bonds += w * a * b;
            }
            return (squares / z, bonds / z);
        }
        if (components != 2) throw new ArgumentOutOfRangeException(nameof(components));
        var rule = new GaussLegendreRule(0, range, order);
        for (int i = 0; i < rule.Order; i++)
        {
            double r = rule.Abscissas[i];
            for (int j = 0; j < points; j++)
            for (int k = 0; k < points; k++)
            {
                double x = -range + j * h, y = -range + k * h;
                double w = rule.Weights[i] * r * Math.Exp(4 * kappa * r * x - U(r * r) - U(x * x + y * y));
                z += w;
                squares += w * r * r;
                bonds += w * r * x;
            }
        }
        return (squares / z / 2, bonds / z / 2);
    }
}
