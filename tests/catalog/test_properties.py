"""Computed properties (RDKit) and ChEMBL parents (Structure Pipeline), stored with the structure on save."""

import subprocess
import sys
from decimal import Decimal

import pytest
import rdkit
from rdkit import Chem
from rdkit.Chem import Crippen, rdMolDescriptors

from catalog import synthetic
from catalog.chemistry import analyse_smiles, parent_mol, properties_from_mol, standardize, structure_field_values
from catalog.models import Compound, SolubilityBasis
from tests.factories import make_compound

MILNACIPRAN = "CCN(CC)C(=O)[C@@]1(C[C@@H]1CN)C2=CC=CC=C2"
MILNACIPRAN_HCL = "Cl." + MILNACIPRAN
DICLOFENAC_SODIUM = "O=C([O-])Cc1ccccc1Nc1c(Cl)cccc1Cl.[Na+]"
IOBENGUANE_I131 = "N=C(N)NCc1cccc([131I])c1"
IOBENGUANE_SULFATE_I131 = f"{IOBENGUANE_I131}.{IOBENGUANE_I131}.O=S(=O)(O)O"
SODIUM_BENZOATE = "O=C([O-])c1ccccc1.[Na+]"
# Ritonavir as in fixtures/chembl_approved_drugs.csv (CHEMBL163): MW 720.9, cLogP 5.91, 4 NH/OH, 11 N/O.
RITONAVIR = "CC(C)c1nc(CN(C)C(=O)N[C@H](C(=O)N[C@@H](Cc2ccccc2)C[C@H](O)[C@H](Cc2ccccc2)NC(=O)OCc2cncs2)C(C)C)cs1"


def test_donors_and_acceptors_are_lipinskis_counts():
    # Milnacipran's NH2 gives two donors by Lipinski's NH + OH count (RDKit's other definition counts one
    # donor group); its acceptors are its two N and one O.
    properties = analyse_smiles(MILNACIPRAN).properties
    assert (properties.hbd, properties.hba) == (2, 3)


def test_clogp_is_crippens_to_two_decimals():
    mol = Chem.MolFromSmiles(MILNACIPRAN)
    assert analyse_smiles(MILNACIPRAN).properties.clogp == Decimal(f"{Crippen.MolLogP(mol):.2f}")


def test_tpsa_is_rdkits_from_nitrogen_and_oxygen_to_two_decimals():
    mol = Chem.MolFromSmiles(MILNACIPRAN)
    assert analyse_smiles(MILNACIPRAN).properties.tpsa == Decimal(f"{rdMolDescriptors.CalcTPSA(mol):.2f}")


def test_counts_of_a_plain_structure():
    properties = analyse_smiles(MILNACIPRAN).properties
    assert (properties.heavy_atoms, properties.formal_charge, properties.ro5_violations) == (18, 0, 0)


def test_rotatable_bonds_use_the_strict_definition():
    mol = Chem.MolFromSmiles(MILNACIPRAN)
    strict = rdMolDescriptors.CalcNumRotatableBonds(mol, rdMolDescriptors.NumRotatableBondsOptions.Strict)
    assert analyse_smiles(MILNACIPRAN).properties.rotatable_bonds == strict


def test_rule_of_five_violations_count_each_rule_broken():
    # MW > 500, cLogP > 5 and N + O > 10 break three rules; 4 NH/OH keep the fourth.
    properties = properties_from_mol(Chem.MolFromSmiles(RITONAVIR))
    assert (properties.clogp, properties.hbd, properties.hba) == (Decimal("5.91"), 4, 11)
    assert properties.ro5_violations == 3


def test_a_salt_has_the_properties_of_its_parent():
    assert analyse_smiles(MILNACIPRAN_HCL).properties == analyse_smiles(MILNACIPRAN).properties


def test_the_parent_of_a_sodium_salt_is_the_neutral_acid():
    # The largest fragment would be the carboxylate anion; ChEMBL's parent is neutralised.
    assert analyse_smiles(DICLOFENAC_SODIUM).parent.molecular_formula == "C14H11Cl2NO2"


def test_the_parent_keeps_isotope_labels():
    parent = analyse_smiles(IOBENGUANE_SULFATE_I131).parent
    assert parent.inchikey == Chem.MolToInchiKey(Chem.MolFromSmiles(IOBENGUANE_I131))


def test_a_record_whose_every_fragment_is_a_counter_ion_has_no_parent():
    assert parent_mol(Chem.MolFromSmiles(SODIUM_BENZOATE)) is None


def test_protons_written_as_fragments_are_no_salt():
    # Pafolacianine's ChEMBL SMILES writes four protons as [H+] fragments; InChI reads them as protonation.
    assert parent_mol(Chem.MolFromSmiles("O=S(=O)([O-])CCCC[N+](C)(C)C.[H+]")) is None


def test_single_component_has_no_parent():
    assert parent_mol(Chem.MolFromSmiles(MILNACIPRAN)) is None


def test_standardize_is_the_pipelines():
    # The ChEMBL pipeline writes a nitro group charge-separated and removes tartrate stereo.
    assert Chem.MolToSmiles(standardize(Chem.MolFromSmiles("CN(=O)=O"))) == "C[N+](=O)[O-]"


def test_stored_values_cover_exactly_the_structure_fields():
    stored = set(structure_field_values(analyse_smiles(MILNACIPRAN)))
    # The drawing, its hash and the error are the model's; the search fingerprint comes from structure_search.
    besides = {"structure_hash", "structure_error", "structure_svg", "structure_fingerprint"}
    assert stored == set(Compound.STRUCTURE_FIELDS) - besides


@pytest.mark.django_db
def test_saving_a_compound_stores_its_properties_with_the_rdkit_version():
    compound = make_compound(isomeric_smiles=MILNACIPRAN)
    compound.refresh_from_db()
    assert (compound.clogp, compound.tpsa, compound.hbd, compound.hba) == (
        Decimal("1.77"),
        Decimal("46.33"),
        2,
        3,
    )
    assert compound.properties_rdkit_version == rdkit.__version__


@pytest.mark.django_db
def test_a_salts_page_values_are_its_parents():
    compound = make_compound(isomeric_smiles=MILNACIPRAN_HCL)
    assert (compound.properties_are_of_parent, compound.exact_mass) == (True, Decimal("246.1732"))


@pytest.mark.django_db
def test_a_plain_compounds_exact_mass_is_its_own():
    compound = make_compound(isomeric_smiles=MILNACIPRAN)
    assert (compound.properties_are_of_parent, compound.exact_mass) == (False, Decimal("246.1732"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("new_structure", "expected"),
    [("CCO", (3, 1, 1, rdkit.__version__)), ("", (None, None, None, ""))],
    ids=["changed", "removed"],
)
def test_a_new_structure_recomputes_the_properties(new_structure, expected):
    compound = make_compound(isomeric_smiles=MILNACIPRAN)
    compound.isomeric_smiles = new_structure
    compound.save()
    compound.refresh_from_db()
    assert (compound.heavy_atoms, compound.hbd, compound.hba, compound.properties_rdkit_version) == expected


def test_synthetic_compounds_get_the_properties_too():
    smiles = synthetic.smiles_for(1)
    fields = synthetic.structure_fields(smiles)
    expected = properties_from_mol(Chem.MolFromSmiles(smiles))
    assert (fields["clogp"], fields["tpsa"], fields["ro5_violations"]) == (
        expected.clogp,
        expected.tpsa,
        expected.ro5_violations,
    )


# -- measured solubility as the page and the calculator read it ---------------------------------------


def test_no_measurement_means_no_solubility():
    compound = Compound(molecular_weight=Decimal("246.35"))
    assert (compound.aqueous_solubility_molar, compound.solubility_mm_display) == (None, "")


def test_molar_solubility_is_ten_to_the_log_s():
    compound = Compound(solubility_log_s=Decimal("-2.5"), solubility_basis=SolubilityBasis.COMPOUND)
    assert compound.aqueous_solubility_molar.quantize(Decimal("0.0000001")) == Decimal("0.0031623")


def test_solubility_in_mg_per_ml_uses_the_compounds_own_mw():
    # 10^-2 mol/L × 246.354 g/mol = 2.46354 g/L = 2.46 mg/mL; 10 mM.
    compound = Compound(
        solubility_log_s=Decimal("-2"),
        solubility_basis=SolubilityBasis.COMPOUND,
        computed_molecular_weight=Decimal("246.354"),
    )
    assert (compound.solubility_mm_display, compound.solubility_mg_per_ml_display) == ("10.0", "2.46")


def test_a_salt_measured_through_its_parent_converts_with_the_parents_mw():
    compound = Compound(
        solubility_log_s=Decimal("-3"),
        solubility_basis=SolubilityBasis.PARENT,
        computed_molecular_weight=Decimal("282.815"),
        parent_molecular_weight=Decimal("246.354"),
    )
    assert (compound.solubility_molecular_weight, compound.solubility_mg_per_ml_display) == (
        Decimal("246.354"),
        "0.246",
    )


def test_the_structure_pipeline_imports_silently():
    # It is imported by every process that loads the models (catalog.chemistry): nothing may reach the console.
    result = subprocess.run(
        [sys.executable, "-c", "import chembl_structure_pipeline.standardizer"], capture_output=True, text=True
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
