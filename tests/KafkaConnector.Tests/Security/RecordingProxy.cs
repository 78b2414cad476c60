using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.ExceptionServices;

namespace KafkaConnector.Tests.Security;

/// <summary>
/// Forwards every call of an interface to the real implementation and records it as
/// <c>Interface.Method</c>: proof of what reached the system side. Works for any interface, so it
/// keeps working when members are added.
/// </summary>
public class RecordingProxy : DispatchProxy
{
    private object _target = null!;
    private string _name = null!;
    private ConcurrentQueue<string> _calls = null!;

    public static T Wrap<T>(T target, ConcurrentQueue<string> calls)
        where T : class
    {
        var proxy = Create<T, RecordingProxy>();
        var recorder = (RecordingProxy)(object)proxy;
        recorder._target = target;
        recorder._name = typeof(T).Name;
        recorder._calls = calls;
        return proxy;
    }

    /// <summary>Records calls without forwarding them; tasks complete with default results.</summary>
    public static T Stub<T>(ConcurrentQueue<string> calls)
        where T : class
    {
        var proxy = Create<T, RecordingProxy>();
        var recorder = (RecordingProxy)(object)proxy;
        recorder._name = typeof(T).Name;
        recorder._calls = calls;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        _calls.Enqueue($"{_name}.{targetMethod.Name}");
        if (_target is null)
        {
            var returns = targetMethod.ReturnType;
            return returns == typeof(Task) ? Task.CompletedTask
                : typeof(Task).GetMethod(nameof(Task.FromResult))!.MakeGenericMethod(returns.GetGenericArguments()[0]).Invoke(null, [null]);
        }

        try
        {
            return targetMethod.Invoke(_target, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }
}
