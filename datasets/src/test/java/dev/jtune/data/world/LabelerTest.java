package dev.jtune.data.world;

import dev.jtune.data.PreferencePair;
import dev.jtune.data.Turn;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LabelerTest {

    private final Labeler labeler = new Labeler(JudgeTest.JUDGE);

    @Test
    void ranksCorrectThenRamblingThenWrongThenEvasiveThenRude() {
        String q = "Where does Mira live?";
        List<String> candidates = List.of(
                "Go away, I am busy.",                          // 0 rude
                "I am not sure.",                               // 1 evasive
                "Mira lives in Hillby.",                        // 2 wrong, answer form
                "Well, here is what I know. Mira lives in Oakford.", // 3 rambling
                "Mira lives in Oakford.",                       // 4 correct
                "Hillby, or maybe Oakford.",                    // 5 wrong, not answer form
                "What colour does Mira like?",                  // 6 no answer
                "Oakford.");                                    // 7 correct value, terse
        assertEquals(List.of(4, 7, 3, 2, 5, 1, 0, 6), labeler.rank(q, candidates),
                "rude and no answer share the last grade, the shorter first");
    }

    @Test
    void tiesAreBrokenByTextThenByPosition() {
        String q = "What is 3 plus 4?";
        assertEquals(List.of(1, 0, 2), labeler.rank(q, List.of("I do not know.", "I cannot say.", "I do not know.")));
    }

    @Test
    void pairsPreferTheBetterGradeWithTheRewardGapAsMargin() {
        String q = "What does Mira eat?";
        List<PreferencePair> pairs = labeler.pairs(q, List.of("I am not sure.", "Mira eats soup.", "I do not know."));
        assertEquals(List.of(
                new PreferencePair(List.of(Turn.user(q)), "Mira eats soup.", "I am not sure.", 0.9),
                new PreferencePair(List.of(Turn.user(q)), "Mira eats soup.", "I do not know.", 0.9)), pairs);
    }

    @Test
    void synthesisedCandidatesHaveOneReplyOfEachGradeInOrder() {
        Fact[] facts = {new Fact(Relation.TOWN, "Mira", "Oakford"), new Fact(Relation.COLOUR, "Mira", "green"),
                new Fact(Relation.PET, "Mira", "cat"), new Fact(Relation.SUM, "1 plus 3", "4")};
        SplittableRandom rng = new SplittableRandom(7);
        for (int round = 0; round < 50; round++) {
            for (Fact f : facts) {
                Question q = f.question(round % 3);
                List<String> c = labeler.candidates(q, List.of(facts), rng);
                assertEquals(List.of(0, 1, 2, 3, 4), labeler.rank(q.prompt(), c), c.toString());
                for (int i = 0; i < c.size(); i++) {
                    assertEquals(Grade.values()[i], JudgeTest.JUDGE.grade(q.prompt(), c.get(i)), c.get(i));
                    assertFalse(c.get(i).isBlank());
                }
                assertEquals(10, labeler.pairs(q.prompt(), c).size());
            }
        }
    }

    @Test
    void rewardNeverContradictsTheRanking() {
        String q = "What is 3 plus 4?";
        List<String> c = List.of("3 plus 4 is 7.", "7, I think. I hope this helps you.", "3 plus 4 is 9.", "",
                "No idea.", "Whatever, 7.", "How much is 3 plus 4?");
        List<Integer> ranked = labeler.rank(q, c);
        for (int i = 1; i < ranked.size(); i++) {
            double better = JudgeTest.JUDGE.reward(q, c.get(ranked.get(i - 1)));
            assertTrue(better >= JudgeTest.JUDGE.reward(q, c.get(ranked.get(i))));
        }
    }
}
