using CritDiff.Diffusion;
using CritDiff.Networks;

namespace CritDiff.Training;

/// <summary>
/// Denoising score matching of a <see cref="TimeConditionedModel"/> over a range of times (docs/science.md section 11, score_sde's
/// continuous loss): each configuration i of a batch has its own time t_i, x_t,i = a(t_i) x_0,i + b(t_i) z_i, the conditioning
/// c_i = ln b(t_i) and the score s = net(c_in x_t, c) / b, with the input scaled by c_in = 1 / sqrt(a^2 + b^2) (Karras et al.
/// 2022's c_in for data of unit scale: 1 for VP, where a^2 + b^2 = 1; under VE it keeps the network's input O(1) however large
/// sigma gets). With score_sde's weight lambda(t) = b(t)^2,
/// lambda || s + z / b ||^2 = || net + z ||^2, so l = (1/(count n V)) sum_i || net(x_t,i, c_i) + z_i ||^2 and its parameter
/// gradient is the model's backward pass with upstream 2 (net + z) / (count n V). Its minimum over all functions is reached
/// by the exact score: net* = b grad log p_t. Keeps buffers and uses the model's cache: one per thread.
/// </summary>
public sealed class ConditionedScoreMatching
{
    private double[] _noised = [], _output = [], _condition = [];

    /// <summary>The loss of <paramref name="model"/> under <paramref name="process"/>.</summary>
    public ConditionedScoreMatching(TimeConditionedModel model, ForwardProcess process)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(process);
        Model = model;
        Process = process;
    }

    /// <summary>The network.</summary>
    public TimeConditionedModel Model { get; }

    /// <summary>The forward process.</summary>
    public ForwardProcess Process { get; }

    /// <summary>The input scale c_in = 1 / sqrt(a(t)^2 + b(t)^2) of time <paramref name="t"/> (exactly 1 for VP).</summary>
    public static double InputScale(ForwardProcess process, double t)
    {
        ArgumentNullException.ThrowIfNull(process);
        double a = process.SignalScale(t), total = a * a + process.NoiseVariance(t);
        // VP's a^2 + b^2 is 1 up to rounding: exactly 1 there, so that its inputs are the noised data bit for bit.
        return Math.Abs(total - 1) <= 1e-12 ? 1 : 1 / Math.Sqrt(total);
    }

    /// <summary>The conditioning value of time <paramref name="t"/>: c = ln b(t) (log sigma(t) for VE).</summary>
    public static double Condition(ForwardProcess process, double t)
    {
        ArgumentNullException.ThrowIfNull(process);
        return 0.5 * Math.Log(process.NoiseVariance(t));
    }

    /// <summary>The loss for data <paramref name="x0"/>, noise <paramref name="z"/> (count x n V values each) at <paramref name="times"/> (count values).</summary>
    public double Loss(NetworkParameters parameters, ReadOnlySpan<double> x0, ReadOnlySpan<double> times, ReadOnlySpan<double> z, int count) =>
        Evaluate(parameters, x0, times, z, count, null);

    /// <summary>The loss and its gradient with respect to every parameter (overwrites <paramref name="gradient"/>).</summary>
    public double LossAndGradient(NetworkParameters parameters, ReadOnlySpan<double> x0, ReadOnlySpan<double> times, ReadOnlySpan<double> z,
        int count, NetworkParameters gradient)
    {
        Model.CheckLayout(gradient, nameof(gradient));
        return Evaluate(parameters, x0, times, z, count, gradient);
    }

    private double Evaluate(NetworkParameters parameters, ReadOnlySpan<double> x0, ReadOnlySpan<double> times, ReadOnlySpan<double> z,
        int count, NetworkParameters? gradient)
    {
        Model.CheckLayout(parameters, nameof(parameters));
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "a batch needs at least one configuration");
        int width = Model.ConfigurationLength;
        long length = (long)count * width;
        if (x0.Length != length) throw new ArgumentException($"expected {count} x {width} values", nameof(x0));
        if (z.Length != length) throw new ArgumentException($"expected {count} x {width} values", nameof(z));
        if (times.Length != count) throw new ArgumentException($"expected {count} times", nameof(times));
        int n = (int)length;
        if (_noised.Length < n) (_noised, _output) = (new double[n], new double[n]);
        if (_condition.Length < count) _condition = new double[count];
        var noised = _noised.AsSpan(0, n);
        var output = _output.AsSpan(0, n);
        var condition = _condition.AsSpan(0, count);
        for (int i = 0; i < count; i++)
        {
            double t = times[i];
            ForwardProcess.CheckTime(t);
            double a = Process.SignalScale(t), b = Math.Sqrt(Process.NoiseVariance(t));
            condition[i] = Math.Log(b);
            double scale = InputScale(Process, t);
            int offset = i * width;
            for (int j = offset; j < offset + width; j++) noised[j] = scale * (a * x0[j] + b * z[j]);
        }
        Model.Forward(parameters, noised, condition, count, output);
        double sum = 0;
        for (int j = 0; j < n; j++)
        {
            double r = output[j] + z[j];
            output[j] = r; // the residual, reused as the upstream
            sum += r * r;
        }
        if (gradient is not null)
        {
            double scale = 2.0 / n;
            for (int j = 0; j < n; j++) output[j] *= scale;
            Model.Backward(parameters, output, gradient);
        }
        return sum / n;
    }
}
