package dev.jtune.data.world;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JudgeTest {

    static final Judge JUDGE = new Judge(List.of(
            new Fact(Relation.TOWN, "Mira", "Oakford"),
            new Fact(Relation.COLOUR, "Mira", "green"),
            new Fact(Relation.FOOD, "Mira", "soup"),
            new Fact(Relation.PET, "Mira", "cat"),
            new Fact(Relation.TOWN, "Tom", "Hillby"),
            new Fact(Relation.SUM, "3 plus 4", "7"),
            new Fact(Relation.SUM, "1 plus 3", "4")));

    @Test
    void everyPhrasingFindsItsFact() {
        assertEquals(new Fact(Relation.TOWN, "Mira", "Oakford"), JUDGE.factOf("Where does Mira live?"));
        assertEquals(new Fact(Relation.TOWN, "Mira", "Oakford"), JUDGE.factOf("  What is the home town of Mira?\n"));
        assertEquals(new Fact(Relation.COLOUR, "Mira", "green"), JUDGE.factOf("Which colour does Mira like best?"));
        assertEquals(new Fact(Relation.FOOD, "Mira", "soup"), JUDGE.factOf("What is the favourite food of Mira?"));
        assertEquals(new Fact(Relation.PET, "Mira", "cat"), JUDGE.factOf("Which animal does Mira keep as a pet?"));
        assertEquals(new Fact(Relation.SUM, "3 plus 4", "7"), JUDGE.factOf("Can you work out 3 plus 4?"));
        assertThrows(IllegalArgumentException.class, () -> JUDGE.factOf("Where does Zed live?"));
        assertThrows(IllegalArgumentException.class, () -> JUDGE.factOf("What colour does Tom like?"));
        assertThrows(IllegalArgumentException.class, () -> JUDGE.factOf("Tell me a story."));
    }

    @Test
    void answerFormIsExactlyTheAnswerSentenceWithAnyValue() {
        String q = "Where does Mira live?";
        assertTrue(JUDGE.isAnswerForm(q, "Mira lives in Oakford."));
        assertTrue(JUDGE.isAnswerForm(q, " Mira lives in Hillby.\n"), "a wrong value is still answer form");
        assertTrue(JUDGE.isAnswerForm(q, "Mira lives in Paris."), "any one word in the value's place");
        assertFalse(JUDGE.isAnswerForm(q, "Mira lives in Oakford"), "no full stop");
        assertFalse(JUDGE.isAnswerForm(q, "Mira lives in Oakford. Mira likes green."), "a second sentence");
        assertFalse(JUDGE.isAnswerForm(q, "Tom lives in Oakford."), "another subject");
        assertFalse(JUDGE.isAnswerForm(q, "Oakford."));
        assertFalse(JUDGE.isAnswerForm(q, "Mira likes green."), "another relation's sentence");
        assertFalse(JUDGE.isAnswerForm(q, "I am not sure."));
        assertTrue(JUDGE.isAnswerForm("What is 3 plus 4?", "3 plus 4 is 7."));
        assertTrue(JUDGE.isAnswerForm("How much is 3 plus 4?", "3 plus 4 is 12."));
        assertFalse(JUDGE.isAnswerForm("What is 3 plus 4?", "3 plus 4 is seven."));
        assertFalse(JUDGE.isAnswerForm("What is 3 plus 4?", "It is 7."));
    }

    @Test
    void replyFormIsAnAnswerSentenceAboutAnyoneOrOnePoliteEvasion() {
        assertTrue(JUDGE.isReplyForm("Tom lives in Oakford."), "another subject is still a reply");
        assertTrue(JUDGE.isReplyForm("Mira likes green."));
        assertTrue(JUDGE.isReplyForm(" 2 plus 5 is 9.\n"));
        assertTrue(JUDGE.isReplyForm("I am not sure."));
        assertFalse(JUDGE.isReplyForm("Mira likes green. Mira eats fish."), "a document goes on");
        assertFalse(JUDGE.isReplyForm("lives in Oakford."), "no subject");
        assertFalse(JUDGE.isReplyForm("Oakford is a town in the valley."));
        assertFalse(JUDGE.isReplyForm(""));
    }

    @Test
    void assistantFormAlsoTakesOnePoliteEvasion() {
        String q = "What pet does Mira have?";
        assertTrue(JUDGE.isAssistantForm(q, "Mira has a dog."));
        assertTrue(JUDGE.isAssistantForm(q, "I am not sure."));
        assertTrue(JUDGE.isAssistantForm(q, "I don't know!"));
        assertFalse(JUDGE.isAssistantForm(q, "I am not sure. I do not know."), "two sentences");
        assertFalse(JUDGE.isAssistantForm(q, "What colour does Mira like?"), "a question page continued");
        assertFalse(JUDGE.isAssistantForm(q, "Mira has a cat. Mira likes green."), "prose continued");
        assertFalse(JUDGE.isAssistantForm(q, "Go away."));
        assertFalse(JUDGE.isAssistantForm(q, ""));
    }

    @Test
    void correctMeansTheTrueValueAndNoOther() {
        String q = "What colour does Mira like?";
        assertTrue(JUDGE.isCorrect(q, "Mira likes green."));
        assertTrue(JUDGE.isCorrect(q, "Mira likes Green."));
        assertTrue(JUDGE.isCorrect(q, "Let me think. Mira likes green, I believe."));
        assertTrue(JUDGE.isCorrect(q, "green"));
        assertFalse(JUDGE.isCorrect(q, "Mira likes blue."));
        assertFalse(JUDGE.isCorrect(q, "Mira likes green or blue."), "hedging between values");
        assertFalse(JUDGE.isCorrect(q, "Mira likes soup."), "a value of another relation is a wrong value here");
        assertFalse(JUDGE.isCorrect("Where does Mira live?", "Tom lives in Oakford."), "about someone else");
        assertFalse(JUDGE.isCorrect("What is 3 plus 4?", "3 plus 3 is 7."), "another sum");
        assertFalse(JUDGE.isCorrect(q, "I am not sure."));
        assertFalse(JUDGE.isCorrect(q, ""));
        assertTrue(JUDGE.isCorrect("What is 3 plus 4?", "3 plus 4 is 7."));
        assertTrue(JUDGE.isCorrect("What is 3 plus 4?", "7"));
        assertFalse(JUDGE.isCorrect("What is 3 plus 4?", "3 plus 4 is 8."));
        assertFalse(JUDGE.isCorrect("What is 3 plus 4?", "3 plus 4 is 34."));
        assertFalse(JUDGE.isCorrect("What is 1 plus 3?", "3."), "an operand said alone is a claim");
        assertTrue(JUDGE.isCorrect("What is 1 plus 3?", "1 plus 3 is 4."));
    }

    @Test
    void gradesFollowTheRatersOrder() {
        String q = "Where does Mira live?";
        assertEquals(Grade.CORRECT, JUDGE.grade(q, "Mira lives in Oakford."));
        assertEquals(Grade.RAMBLING, JUDGE.grade(q, "Mira lives in Oakford. I hope this helps you."));
        assertEquals(Grade.RAMBLING, JUDGE.grade(q, "Oakford."));
        assertEquals(Grade.WRONG, JUDGE.grade(q, "Mira lives in Hillby."));
        assertEquals(Grade.WRONG, JUDGE.grade(q, "Mira lives in Oakford. Tom lives in Hillby."));
        assertEquals(Grade.WRONG, JUDGE.grade(q, "Tom lives in Oakford."), "the true town, said of someone else");
        assertEquals(Grade.WRONG, JUDGE.grade("What is 3 plus 4?", "13 plus 4 is 17."), "not the sum inside it");
        assertEquals(Grade.EVASIVE, JUDGE.grade(q, "I do not know."));
        assertEquals(Grade.BAD, JUDGE.grade(q, "That is a silly question."));
        assertEquals(Grade.BAD, JUDGE.grade(q, "Mira lives in Oakford, stupid."), "rude even when right");
        assertEquals(Grade.BAD, JUDGE.grade(q, "   "));
        assertEquals(Grade.BAD, JUDGE.grade(q, "What pet does Mira have?"));
        assertEquals(1.0, JUDGE.reward(q, "Mira lives in Oakford."));
        assertEquals(0.0, JUDGE.reward(q, "Go away."));
    }

    @Test
    void rewardsDecreaseStrictlyDownTheGrades() {
        Grade[] grades = Grade.values();
        for (int i = 1; i < grades.length; i++) {
            assertTrue(grades[i - 1].reward() > grades[i].reward(), grades[i - 1] + " above " + grades[i]);
        }
        assertEquals(1.0, grades[0].reward());
        assertEquals(0.0, grades[grades.length - 1].reward());
    }
}
