package dev.jtune.data.world;

import java.util.List;
import java.util.Objects;

/**
 * A person of the world and what is true of them.
 *
 * @param name   the given name, unique in the world
 * @param town   where they live
 * @param colour their favourite colour
 * @param food   their favourite food
 * @param pet    the animal they keep
 */
public record Person(String name, String town, String colour, String food, String pet) {

    /** The relations a person has facts of, in the order of {@link #facts()}. */
    public static final List<Relation> RELATIONS = List.of(Relation.TOWN, Relation.COLOUR, Relation.FOOD,
            Relation.PET);

    public Person {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(town, "town");
        Objects.requireNonNull(colour, "colour");
        Objects.requireNonNull(food, "food");
        Objects.requireNonNull(pet, "pet");
    }

    /** The person's facts, one per relation, in the order of {@link Relation}. */
    public List<Fact> facts() {
        return List.of(new Fact(Relation.TOWN, name, town), new Fact(Relation.COLOUR, name, colour),
                new Fact(Relation.FOOD, name, food), new Fact(Relation.PET, name, pet));
    }
}
