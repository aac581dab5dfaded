using CritDiff.Lattices;
using MathNet.Numerics.LinearAlgebra;

namespace CritDiff.Tests.Fields;

/// <summary>
/// Brute-force reference: the real-space precision matrix beta(-Laplacian + mu2) of a tiny periodic
/// lattice, built site by site from neighbour lists and inverted densely. Independent of every Fourier
/// formula in the library.
/// </summary>
internal static class DenseReference
{
    public static Matrix<double> Covariance(Lattice lattice, double beta, double massSquared)
    {
        int v = lattice.SiteCount;
        var precision = Matrix<double>.Build.Dense(v, v);
        for (int x = 0; x < v; x++)
        {
            precision[x, x] += beta * massSquared;
            for (int mu = 0; mu < lattice.Dimension; mu++)
            {
                // -Laplacian: 2 phi(x) - phi(x + e) - phi(x - e) per axis (the two coincide when L = 2).
                precision[x, x] += 2 * beta;
                precision[x, lattice.Neighbour(x, mu, +1)] -= beta;
                precision[x, lattice.Neighbour(x, mu, -1)] -= beta;
            }
        }
        return precision.Inverse();
    }

    /// <summary>C(k) = (1/V) sum_{x,y} Cov(x,y) exp(-i k.(x - y)), the real part (the imaginary part vanishes).</summary>
    public static double Spectrum(Lattice lattice, Matrix<double> covariance, int mode)
    {
        int v = lattice.SiteCount, d = lattice.Dimension;
        var x = new int[d];
        var y = new int[d];
        double sum = 0;
        for (int a = 0; a < v; a++)
        {
            lattice.Coordinates(a, x);
            for (int b = 0; b < v; b++)
            {
                lattice.Coordinates(b, y);
                double phase = 0;
                for (int mu = 0; mu < d; mu++) phase += lattice.Momentum(mode, mu) * (x[mu] - y[mu]);
                sum += covariance[a, b] * Math.Cos(phase);
            }
        }
        return sum / v;
    }
}
