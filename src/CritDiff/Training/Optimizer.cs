using CritDiff.Networks;

namespace CritDiff.Training;

/// <summary>
/// A first-order optimizer: an immutable definition plus an <see cref="OptimizerState"/> the caller
/// owns (momentum or Adam moments). <see cref="Step"/> applies one update p &lt;- p - (step from g).
/// </summary>
public abstract record Optimizer
{
    /// <summary>Name as on the command line: "gd", "sgd" or "adam".</summary>
    public abstract string Name { get; }

    /// <summary>True when the learning-rate "auto" rule (a fraction of 2/lambda_max) applies.</summary>
    public virtual bool UsesCurvatureRate => true;

    /// <summary>Fresh state for parameters of the given layout.</summary>
    public abstract OptimizerState CreateState(NetworkParameters layout);

    /// <summary>One update of <paramref name="parameters"/> from <paramref name="gradient"/> at learning rate <paramref name="learningRate"/>.</summary>
    public abstract void Step(NetworkParameters parameters, NetworkParameters gradient, double learningRate, OptimizerState state);

    /// <summary>Parses "gd", "sgd" or "adam" (momentum applies to gd/sgd).</summary>
    public static Optimizer Parse(string name, double momentum = 0) => name.ToLowerInvariant() switch
    {
        "gd" => new GradientDescent("gd", momentum),
        "sgd" => new GradientDescent("sgd", momentum),
        "adam" => new Adam(),
        _ => throw new ArgumentException($"unknown optimizer '{name}': use gd, sgd or adam", nameof(name)),
    };
}

/// <summary>Per-run optimizer memory: one buffer set per moment the optimizer keeps.</summary>
public sealed class OptimizerState
{
    /// <summary>Creates state with <paramref name="buffers"/> zeroed copies of the layout.</summary>
    public OptimizerState(NetworkParameters layout, int buffers)
    {
        Buffers = Enumerable.Range(0, buffers).Select(_ => new NetworkParameters(layout.Layers.Select(l => l.Length).ToArray())).ToArray();
    }

    /// <summary>The moment buffers.</summary>
    public NetworkParameters[] Buffers { get; }

    /// <summary>Number of steps taken so far.</summary>
    public long StepCount { get; set; }
}

/// <summary>
/// (Stochastic) gradient descent with optional heavy-ball momentum mu: v &lt;- mu v + g, p &lt;- p - eta v.
/// "gd" on the population gradient, "sgd" on minibatch gradients; the update rule is the same.
/// </summary>
public sealed record GradientDescent(string Label, double Momentum = 0) : Optimizer
{
    /// <inheritdoc />
    public override string Name => Label;

    /// <inheritdoc />
    public override OptimizerState CreateState(NetworkParameters layout)
    {
        if (!(Momentum >= 0 && Momentum < 1))
            throw new ArgumentOutOfRangeException(nameof(Momentum), Momentum, "momentum must be in [0, 1)");
        return new OptimizerState(layout, Momentum > 0 ? 1 : 0);
    }

    /// <inheritdoc />
    public override void Step(NetworkParameters parameters, NetworkParameters gradient, double learningRate, OptimizerState state)
    {
        for (int j = 0; j < parameters.Layers.Length; j++)
        {
            var p = parameters.Layers[j];
            var g = gradient.Layers[j];
            if (Momentum > 0)
            {
                var v = state.Buffers[0].Layers[j];
                for (int i = 0; i < p.Length; i++)
                {
                    v[i] = Momentum * v[i] + g[i];
                    p[i] -= learningRate * v[i];
                }
            }
            else
            {
                for (int i = 0; i < p.Length; i++) p[i] -= learningRate * g[i];
            }
        }
        state.StepCount++;
    }
}

/// <summary>
/// Adam (Kingma and Ba 2015) with bias correction: per-parameter step eta m_hat / (sqrt(v_hat) + epsilon).
/// Not equivariant under a change of basis, so kernel and Fourier parameters train differently.
/// </summary>
public sealed record Adam(double Beta1 = 0.9, double Beta2 = 0.999, double Epsilon = 1e-8) : Optimizer
{
    /// <summary>Learning rate used for "auto": Adam's steps are scale-free, so no curvature rule applies.</summary>
    public const double AutoLearningRate = 1e-2;

    /// <inheritdoc />
    public override string Name => "adam";

    /// <inheritdoc />
    public override bool UsesCurvatureRate => false;

    /// <inheritdoc />
    public override OptimizerState CreateState(NetworkParameters layout) => new(layout, 2);

    /// <inheritdoc />
    public override void Step(NetworkParameters parameters, NetworkParameters gradient, double learningRate, OptimizerState state)
    {
        state.StepCount++;
        double correction1 = 1 - Math.Pow(Beta1, state.StepCount);
        double correction2 = 1 - Math.Pow(Beta2, state.StepCount);
        for (int j = 0; j < parameters.Layers.Length; j++)
        {
            var p = parameters.Layers[j];
            var g = gradient.Layers[j];
            var m = state.Buffers[0].Layers[j];
            var v = state.Buffers[1].Layers[j];
            for (int i = 0; i < p.Length; i++)
            {
                m[i] = Beta1 * m[i] + (1 - Beta1) * g[i];
                v[i] = Beta2 * v[i] + (1 - Beta2) * g[i] * g[i];
                p[i] -= learningRate * (m[i] / correction1) / (Math.Sqrt(v[i] / correction2) + Epsilon);
            }
        }
    }
}
