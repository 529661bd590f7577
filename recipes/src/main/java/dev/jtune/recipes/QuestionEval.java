package dev.jtune.recipes;

import dev.jtune.data.world.Judge;
import dev.jtune.data.world.Question;
import dev.jtune.generate.Generation;
import dev.jtune.generate.Generator;
import dev.jtune.generate.SamplingParams;
import dev.jtune.tokenizer.ChatTemplate;
import dev.jtune.tokenizer.Message;
import dev.jtune.tokenizer.Tokenizer;
import dev.jtune.train.Progress;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Asks a model the held-out questions through its chat template and grades the replies with the world's judge:
 * {@code answer_rate}, the share shaped as an assistant's reply (one answer sentence or one polite refusal, about
 * anyone: {@link dev.jtune.data.world.Judge#isReplyForm}); {@code answer_form_rate}, the share in that form about
 * the subject asked ({@link dev.jtune.data.world.Judge#isAssistantForm}); the share correct; the mean reward; and a
 * few samples for the report.
 */
final class QuestionEval {

    /** One stage's figures on the held-out questions. */
    record Result(double answerRate, double answerFormRate, double accuracy, double meanReward,
                  List<Map<String, String>> samples) {

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("answer_rate", answerRate);
            m.put("answer_form_rate", answerFormRate);
            m.put("accuracy", accuracy);
            m.put("mean_reward", meanReward);
            return m;
        }
    }

    private QuestionEval() {
    }

    /** Greedy replies of at most {@code maxNewTokens} to every question, graded. */
    static Result run(String stage, Generator generator, Tokenizer tokenizer, ChatTemplate template, Judge judge,
                      List<Question> questions, int maxNewTokens) {
        int batch = 32;
        int answer = 0;
        int form = 0;
        int correct = 0;
        double reward = 0;
        List<Map<String, String>> samples = new ArrayList<>();
        Progress progress = new Progress("eval " + stage, questions.size(), 0);
        for (int from = 0; from < questions.size(); from += batch) {
            List<Question> chunk = questions.subList(from, Math.min(questions.size(), from + batch));
            List<int[]> prompts = chunk.stream()
                    .map(q -> template.promptIds(tokenizer, List.of(new Message("user", q.prompt())))).toList();
            List<Generation> replies = generator.generateIds(prompts, SamplingParams.greedy(maxNewTokens), null);
            for (int i = 0; i < chunk.size(); i++) {
                String q = chunk.get(i).prompt();
                String reply = replies.get(i).text().strip();
                answer += judge.isReplyForm(reply) ? 1 : 0;
                form += judge.isAssistantForm(q, reply) ? 1 : 0;
                correct += judge.isCorrect(q, reply) ? 1 : 0;
                reward += judge.reward(q, reply);
                if (samples.size() < 6) {
                    samples.add(Map.of("question", q, "reply", reply, "truth", chunk.get(i).answer()));
                }
            }
            progress.update(Math.min(questions.size(), from + batch), "", false);
        }
        progress.finish();
        int n = questions.size();
        return new Result((double) answer / n, (double) form / n, (double) correct / n, reward / n, samples);
    }
}
