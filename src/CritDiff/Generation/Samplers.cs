namespace CritDiff.Generation;

/// <summary>
/// The registry of samplers by name (score_sde's _PREDICTORS / _CORRECTORS): the one list the library and the command
/// line use, with each sampler's help. A new sampler is a predictor or corrector type plus one line here.
/// </summary>
public static class Samplers
{
    /// <summary>sde-em: Euler-Maruyama for the reverse SDE.</summary>
    public static Sampler EulerMaruyama { get; } = new("sde-em", "Euler-Maruyama", "EulerMaruyama", new EulerMaruyamaPredictor());

    /// <summary>sde-exp: the exponential integrator for the reverse SDE.</summary>
    public static Sampler ExponentialIntegrator { get; } = new("sde-exp", "exponential integrator", "ExponentialIntegrator", new ExponentialPredictor());

    /// <summary>ode-heun: Heun's method for the probability-flow ODE.</summary>
    public static Sampler Heun { get; } = new("ode-heun", "probability-flow ODE, Heun", "Heun", new HeunPredictor());

    /// <summary>pc: the Euler-Maruyama predictor and one Langevin corrector step (r = 0.16).</summary>
    public static Sampler PredictorCorrector { get; } = new("pc",
        FormattableString.Invariant($"Euler-Maruyama predictor + one Langevin corrector step, SNR {LangevinCorrector.DefaultSignalToNoise}"),
        "PredictorCorrector", new EulerMaruyamaPredictor(), new LangevinCorrector());

    /// <summary>Every sampler, in the order the help lists them.</summary>
    public static IReadOnlyList<Sampler> All { get; } = [EulerMaruyama, ExponentialIntegrator, Heun, PredictorCorrector];

    /// <summary>The names, in order.</summary>
    public static IReadOnlyList<string> Names { get; } = All.Select(s => s.Name).ToArray();

    /// <summary>"name (help), ..." for every sampler, or for those <paramref name="include"/> accepts.</summary>
    public static string Describe(Func<Sampler, bool>? include = null) =>
        string.Join(", ", All.Where(s => include?.Invoke(s) ?? true).Select(s => $"{s.Name} ({s.Help})"));

    /// <summary>The sampler of that name (case-insensitive), or null.</summary>
    public static Sampler? Find(string name) => All.FirstOrDefault(s => s.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The sampler a summary or run folder names: its command-line name, or the name summaries wrote before issue 22
    /// (<see cref="Sampler.LegacyName"/>, e.g. Heun); case-insensitive; null when unknown.
    /// </summary>
    public static Sampler? FindStored(string name) =>
        Find(name ?? throw new ArgumentNullException(nameof(name)))
        ?? All.FirstOrDefault(s => s.LegacyName.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The sampler of that name (case-insensitive); an unknown name throws naming every sampler.</summary>
    public static Sampler Parse(string name) =>
        Find(name ?? throw new ArgumentNullException(nameof(name)))
        ?? throw new ArgumentException($"unknown sampler '{name}': use one of {string.Join(", ", Names)}", nameof(name));
}
