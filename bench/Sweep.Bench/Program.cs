Console.WriteLine("bench: not built yet (issue 2)");
