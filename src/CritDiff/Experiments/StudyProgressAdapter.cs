namespace CritDiff.Experiments;

/// <summary>Turns a study's own progress values into <see cref="StudyProgress"/> for a <see cref="StudyRun"/>'s sink.</summary>
internal sealed class StudyProgressAdapter<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
