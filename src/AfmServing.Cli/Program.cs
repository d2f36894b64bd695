using AfmServing.Cli;

return await AfmCli.InvokeAsync(args, Console.Out, Console.Error);
