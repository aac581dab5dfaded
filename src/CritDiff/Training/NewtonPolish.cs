using CritDiff.Networks;
using MathNet.Numerics.LinearAlgebra;

namespace CritDiff.Training;

/// <summary>
/// Finds the bottom of the basin a gradient-descent run is in, for architectures whose optimum has no
/// closed form (several local layers, mixed lists): Levenberg-Marquardt steps (H + mu I) dx = -g on the
/// population loss, with the exact gradient and a Hessian by central differences of it. Run from a
/// point the descent has already reached, it converges quadratically where plain GD creeps along
/// ill-conditioned valleys; the damping handles the flat directions of the layer rescaling symmetry.
/// A step is kept only when it lowers the loss, so the result is never above the starting loss.
/// Linear subspaces the gradient flow keeps (the balanced set K_2 = -K_1) are kept too: the gradient
/// and the Hessian's action map the subspace into itself.
/// </summary>
public static class NewtonPolish
{
    /// <summary>Largest parameter count polished (the Hessian costs 2P gradients and a P x P solve).</summary>
    public const int MaxParameters = 600;

    /// <summary>
    /// Moves <paramref name="parameters"/> to the minimum of their basin and returns its loss; leaves them
    /// unchanged and returns their loss when no step lowers it.
    /// </summary>
    public static double Minimize(LinearMomentNetwork network, NetworkParameters parameters, LossMoments moments, int maxIterations = 40)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(moments);
        int n = (int)parameters.Length;
        if (n > MaxParameters) throw new ArgumentException($"polishing needs at most {MaxParameters} parameters (got {n})", nameof(parameters));
        var work = parameters.Clone();
        var gradient = network.CreateParameters();
        var x = Flatten(parameters);
        double loss = Evaluate(network, work, x, moments, gradient, out var g);
        double damping = 0;
        for (int iteration = 0; iteration < maxIterations; iteration++)
        {
            var hessian = Hessian(network, work, x, moments, gradient);
            double diagonal = Enumerable.Range(0, n).Max(i => Math.Abs(hessian[i, i]));
            if (!(diagonal > 0)) break;
            if (damping == 0) damping = 1e-10 * diagonal;
            bool improved = false;
            while (damping <= 1e6 * diagonal)
            {
                var step = (hessian + damping * Matrix<double>.Build.DenseIdentity(n)).Solve(-g);
                var trial = x + step;
                double trialLoss = Evaluate(network, work, trial, moments, gradient, out var trialGradient);
                if (double.IsFinite(trialLoss) && trialLoss < loss)
                {
                    double gain = loss - trialLoss;
                    x = trial;
                    g = trialGradient;
                    loss = trialLoss;
                    damping = Math.Max(damping / 10, 1e-14 * diagonal);
                    improved = gain > 1e-15 * Math.Abs(loss);
                    break;
                }
                damping *= 10;
            }
            if (!improved) break;
        }
        Unflatten(x, parameters);
        return loss;
    }

    private static double Evaluate(LinearMomentNetwork network, NetworkParameters work, Vector<double> x, LossMoments moments,
        NetworkParameters gradient, out Vector<double> g)
    {
        Unflatten(x, work);
        double loss = network.LossAndGradient(work, moments, gradient);
        g = Flatten(gradient);
        return loss;
    }

    private static Matrix<double> Hessian(LinearMomentNetwork network, NetworkParameters work, Vector<double> x, LossMoments moments,
        NetworkParameters gradient)
    {
        int n = x.Count;
        var hessian = Matrix<double>.Build.Dense(n, n);
        for (int j = 0; j < n; j++)
        {
            double h = 1e-5 * Math.Max(1, Math.Abs(x[j]));
            var plus = x.Clone();
            plus[j] += h;
            Evaluate(network, work, plus, moments, gradient, out var gPlus);
            var minus = x.Clone();
            minus[j] -= h;
            Evaluate(network, work, minus, moments, gradient, out var gMinus);
            hessian.SetColumn(j, (gPlus - gMinus) / (2 * h));
        }
        return (hessian + hessian.Transpose()) / 2;
    }

    private static Vector<double> Flatten(NetworkParameters parameters) =>
        Vector<double>.Build.DenseOfEnumerable(parameters.Layers.SelectMany(l => l));

    private static void Unflatten(Vector<double> x, NetworkParameters parameters)
    {
        int offset = 0;
        foreach (var layer in parameters.Layers)
            for (int i = 0; i < layer.Length; i++) layer[i] = x[offset++];
    }
}
