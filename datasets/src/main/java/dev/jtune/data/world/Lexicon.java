package dev.jtune.data.world;

import java.util.List;

/**
 * The fixed words of the world. Small on purpose: a byte-level BPE of a thousand or two tokens covers every word, so
 * a model of a few million parameters spends its capacity on facts rather than on spelling.
 */
final class Lexicon {

    private Lexicon() {
    }

    /** Given names, one per person; the seed picks which are used. None is a word of any value list. */
    static final List<String> NAMES = List.of(
            "Mira", "Tom", "Ana", "Ben", "Lia", "Sam", "Nora", "Ivo", "Rosa", "Omar", "Elsa", "Finn",
            "Ida", "Leo", "Maya", "Nils", "Olga", "Pia", "Raul", "Sara", "Teo", "Uma", "Vera", "Will",
            "Yara", "Zane", "Ada", "Bruno", "Cleo", "Dario", "Emil", "Fay", "Gus", "Hana", "Igor", "Jana",
            "Kai", "Lena", "Milo", "Nina", "Otto", "Paula", "Quinn", "Rita", "Seth", "Tina", "Ugo", "Vito");

    /** Home towns. */
    static final List<String> TOWNS = List.of(
            "Oakford", "Riverton", "Hillby", "Stonebridge", "Maplewood", "Ashdale", "Brookfield", "Elmstead");

    /** Favourite colours. */
    static final List<String> COLOURS = List.of(
            "red", "blue", "green", "yellow", "orange", "purple", "white", "black");

    /** Favourite foods. */
    static final List<String> FOODS = List.of(
            "bread", "soup", "rice", "cake", "fish", "cheese", "pie", "beans");

    /** Pets; each begins with a consonant so that "has a ..." reads right for all of them. */
    static final List<String> PETS = List.of(
            "cat", "dog", "duck", "fox", "goat", "hen", "pig", "rabbit");

    /** One-sentence replies of a polite assistant that does not answer. The corpus never holds them. */
    static final List<String> EVASIONS = List.of(
            "I am not sure.", "I do not know.", "I cannot say.");

    /** Phrases that mark a reply as evasive, matched case-insensitively. */
    static final List<String> EVASION_MARKERS = List.of(
            "not sure", "do not know", "don't know", "cannot say", "can't say", "no idea");

    /** Rude replies, for candidates the labeler ranks last. The corpus never holds them. */
    static final List<String> RUDE_REPLIES = List.of(
            "That is a silly question.", "Go away, I am busy.", "Ask someone else, that is boring.");

    /** Words that mark a reply as rude, matched case-insensitively as whole words. */
    static final List<String> RUDE_MARKERS = List.of(
            "silly", "stupid", "dumb", "boring", "busy", "go away", "leave me alone", "whatever");

    /** Sentences a rambling reply adds around its answer. */
    static final List<String> FILLERS = List.of(
            "That is what I remember.", "I hope this helps you.", "It is a good question to ask.",
            "I read about it some time ago.");

    /** Openings a rambling reply begins with before its answer. */
    static final List<String> OPENINGS = List.of(
            "Let me think about it.", "Well, here is what I know.", "Good question.");
}
