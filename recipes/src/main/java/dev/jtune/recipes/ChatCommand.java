package dev.jtune.recipes;

import dev.jtune.generate.GenerationDefaults;
import dev.jtune.generate.Generation;
import dev.jtune.generate.LanguageModel;
import dev.jtune.generate.SamplingParams;
import dev.jtune.tokenizer.ChatTemplate;
import dev.jtune.tokenizer.Message;
import org.apache.commons.cli.Options;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code chat}: an interactive conversation through the model's own chat template (tokenizer_config.json or
 * chat_template.jinja), or a built-in one named with {@code --template}. Lines starting with / are commands.
 */
final class ChatCommand {

    private ChatCommand() {
    }

    static Options options() {
        Options o = GenerateCommand.samplingOptions(ModelOptions.add(new Options()));
        ModelOptions.addTemplate(o);
        o.addOption(Cli.opt("system", "TEXT", "a system message to start the conversation with"));
        return o;
    }

    static int run(String[] args) throws IOException {
        Cli cli = Cli.parse("chat", "Talk with a model; /reset starts over, /exit or end of input quits.",
                options(), args);
        if (cli == null) {
            return 0;
        }
        Path modelPath = cli.existingPath("model");
        SamplingParams params = GenerateCommand.samplingParams(cli, GenerationDefaults.of(modelPath));
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (LanguageModel lm = ModelOptions.load(cli)) {
            ChatTemplate template = template(cli, modelPath);
            List<Message> history = new ArrayList<>();
            if (cli.has("system")) {
                history.add(new Message("system", cli.string("system", "")));
            }
            int start = history.size();
            while (true) {
                out.print("> ");
                String line = in.readLine();
                if (line == null || line.strip().equals("/exit")) {
                    out.println();
                    return 0;
                }
                if (line.strip().equals("/reset")) {
                    history.subList(start, history.size()).clear();
                    continue;
                }
                if (line.isBlank()) {
                    continue;
                }
                history.add(new Message("user", line));
                int[] prompt = template.promptIds(lm.tokenizer(), history);
                Generation reply = lm.generator().generateIds(List.of(prompt), params,
                        (seq, token, delta) -> out.print(delta)).get(0);
                out.println();
                history.add(new Message("assistant", reply.text().strip()));
            }
        }
    }

    private static ChatTemplate template(Cli cli, Path modelPath) throws IOException {
        if (cli.has("template")) {
            return ChatTemplate.builtIn(cli.string("template", "alpaca"));
        }
        Path dir = cli.has("tokenizer") ? Path.of(cli.string("tokenizer", "")) : modelPath;
        dir = Files.isDirectory(dir) ? dir : dir.toAbsolutePath().getParent();
        try {
            return ChatTemplate.fromDirectory(dir);
        } catch (IOException e) {
            System.err.println("(" + e.getMessage() + "; using the built-in alpaca template)");
            return ChatTemplate.builtIn("alpaca");
        }
    }
}
