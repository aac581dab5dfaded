using System.Numerics;
using MathNet.Numerics.LinearAlgebra;

namespace CritDiff.Networks;

/// <summary>
/// The second moments that fix the denoising score-matching loss of a linear score network
/// (docs/science.md section 4): l = (1/V) E || s(x_t) + z/b ||^2 with x_t = a x_0 + b z. Either exact
/// (population) or averaged over a minibatch (empirical); the network computes the loss and its
/// gradient from them in closed form.
/// </summary>
public abstract record LossMoments
{
    /// <summary>NoiseTerm = (1/V) E|z|^2 / b^2, the constant of the loss (1/b^2 in population).</summary>
    public abstract double NoiseTerm { get; }
}

/// <summary>
/// Per-mode moments, all a translation-invariant network needs:
/// l = (1/V) sum_k [ Signal(k) |m(k)|^2 + 2 Re( m(k) Cross(k) ) ] + NoiseTerm, with
/// Signal(k) = E|x~_t(k)|^2 and Cross(k) = E[x~_t(k) conj(z~(k))] / b.
/// Population: Signal = S(k, t), Cross = 1 (stored as null), NoiseTerm = 1/b^2.
/// </summary>
public sealed record ModeMoments(double[] Signal, Complex[]? Cross, double NoiseTermValue) : LossMoments
{
    /// <inheritdoc />
    public override double NoiseTerm => NoiseTermValue;

    /// <summary>True for the exact (population) moments, where Cross = 1 for every mode.</summary>
    public bool IsPopulation => Cross is null;

    /// <summary>Population moments at one time: S(k, t) and b(t)^2.</summary>
    public static ModeMoments Population(double[] noisedSpectrum, double noiseVariance) =>
        new(noisedSpectrum, null, 1 / noiseVariance);
}

/// <summary>
/// Real-space moments for a dense network: l = (1/V) [ tr(W A W^T) + 2 tr(W X) ] + NoiseTerm with
/// A = E[x_t x_t^T] and X = E[x_t z^T] / b (population: A = noised covariance, X = identity).
/// </summary>
public sealed record MatrixMoments(Matrix<double> Signal, Matrix<double> Cross, double NoiseTermValue) : LossMoments
{
    /// <inheritdoc />
    public override double NoiseTerm => NoiseTermValue;
}
