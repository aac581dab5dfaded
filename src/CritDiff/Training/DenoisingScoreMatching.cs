using CritDiff.Diffusion;
using CritDiff.Networks;

namespace CritDiff.Training;

/// <summary>
/// The denoising score-matching loss of a <see cref="ScoreModel"/> on real-space samples at one diffusion time t
/// (docs/science.md sections 4 and 10): with x_t = a(t) x_0 + b(t) z,
/// l = (1/(count n V)) sum_b || s(x_t,b) + z_b / b ||^2, and its gradient through the model's parameter VJP with upstream
/// 2 (s + z/b) / (count n V). Its expectation over x_0 and z is the population loss (for a linear translation-invariant
/// model: (1/V) sum_k [ |m|^2 S + 2 Re m + 1/b^2 ]). Keeps buffers and uses the model's cache: one per thread.
/// </summary>
public sealed class DenoisingScoreMatching
{
    private readonly double _a, _b;
    private double[] _noised = [], _score = [];

    /// <summary>The loss of <paramref name="model"/> at time <paramref name="time"/> of <paramref name="process"/>.</summary>
    public DenoisingScoreMatching(ScoreModel model, ForwardProcess process, double time)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(process);
        ForwardProcess.CheckTime(time);
        Model = model;
        Process = process;
        Time = time;
        _a = process.SignalScale(time);
        _b = Math.Sqrt(process.NoiseVariance(time));
    }

    /// <summary>The score model.</summary>
    public ScoreModel Model { get; }

    /// <summary>The forward process.</summary>
    public ForwardProcess Process { get; }

    /// <summary>Diffusion time t.</summary>
    public double Time { get; }

    /// <summary>The loss for data <paramref name="x0"/> and noise <paramref name="z"/> (count x n V values each).</summary>
    public double Loss(NetworkParameters parameters, ReadOnlySpan<double> x0, ReadOnlySpan<double> z, int count) =>
        Evaluate(parameters, x0, z, count, null);

    /// <summary>The loss and its gradient with respect to every parameter (overwrites <paramref name="gradient"/>).</summary>
    public double LossAndGradient(NetworkParameters parameters, ReadOnlySpan<double> x0, ReadOnlySpan<double> z, int count,
        NetworkParameters gradient)
    {
        Model.CheckLayout(gradient, nameof(gradient));
        return Evaluate(parameters, x0, z, count, gradient);
    }

    private double Evaluate(NetworkParameters parameters, ReadOnlySpan<double> x0, ReadOnlySpan<double> z, int count,
        NetworkParameters? gradient)
    {
        Model.CheckLayout(parameters, nameof(parameters));
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "a batch needs at least one configuration");
        long length = (long)count * Model.ConfigurationLength;
        if (x0.Length != length) throw new ArgumentException($"expected {count} x {Model.ConfigurationLength} values", nameof(x0));
        if (z.Length != length) throw new ArgumentException($"expected {count} x {Model.ConfigurationLength} values", nameof(z));
        int n = (int)length;
        if (_noised.Length < n)
        {
            // Grow only: training alternates minibatches and the (larger) validation set.
            _noised = new double[n];
            _score = new double[n];
        }
        var noised = _noised.AsSpan(0, n);
        var score = _score.AsSpan(0, n);
        for (int i = 0; i < n; i++) noised[i] = _a * x0[i] + _b * z[i];
        Model.Forward(parameters, noised, count, score);
        double inverseB = 1 / _b, sum = 0;
        for (int i = 0; i < n; i++)
        {
            double r = score[i] + z[i] * inverseB;
            score[i] = r; // the residual, reused as the upstream
            sum += r * r;
        }
        double loss = sum / n;
        if (gradient is not null)
        {
            double scale = 2.0 / n;
            for (int i = 0; i < n; i++) score[i] *= scale;
            Model.Backward(parameters, score, gradient);
        }
        return loss;
    }
}
