namespace Sweep.Model.Data;

/// <summary>
/// Loads (or generates) the train and test sets a <see cref="DatasetSource"/> names. Throws
/// <see cref="DatasetException"/> for anything wrong with the files. CONTRACT (owned by the data work, issue 2).
/// </summary>
public static class DatasetLoader
{
    /// <param name="dataDirectory">Root under which catalog datasets live (<c>{dataDirectory}/mnist</c>, …).</param>
    public static DatasetPair Load(DatasetSource source, string dataDirectory) => throw new NotImplementedException("issue 2");
}
