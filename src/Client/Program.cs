Console.WriteLine("sweep: not built yet (issue 3)");
