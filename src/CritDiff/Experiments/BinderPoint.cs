namespace CritDiff.Experiments;

/// <summary>U(L, coupling) at one coupling with its standard error.</summary>
/// <param name="Coupling">beta_unit or kappa.</param>
/// <param name="Binder">U.</param>
/// <param name="Error">Its standard error (> 0).</param>
public sealed record BinderPoint(double Coupling, double Binder, double Error);
